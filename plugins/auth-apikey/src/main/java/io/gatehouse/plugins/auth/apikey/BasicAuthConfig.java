package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.api.Required;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Config of {@code filter.basic_auth}.
 *
 * <pre>{@code
 * - basic_auth:
 *     realm: internal
 *     users:
 *       - { username: alice, password_hash: "$2y$10$...", groups: [admins] }
 *     users_file: conf/users.yaml
 * }</pre>
 *
 * @param realm          the realm in {@code WWW-Authenticate: Basic realm="...", charset="UTF-8"}; default
 *                       {@code gatehouse}
 * @param users          the users, each with a bcrypt hash of its password; default: none
 * @param usersFile      a YAML file with more users in the same shape (a list), relative to the gateway's home;
 *                       watched, and reloaded when it changes; default: none. {@code users} or {@code users_file} is
 *                       required
 * @param anonymous      the consumer id a request without Basic credentials is admitted as; default: none
 * @param keepCredential whether the {@code Authorization} header goes on to the upstream; default {@code false}
 * @param cacheTtl       how long a verified user name and password are remembered, so that a client sending them
 *                       again does not cost a bcrypt computation; {@code 0s} turns the cache off; default {@code 1m}
 * @param cacheSize      how many verified user name and password pairs are remembered at most; {@code 0} turns the
 *                       cache off; default {@code 10000}
 */
public record BasicAuthConfig(String realm, List<User> users, String usersFile, String anonymous,
                              boolean keepCredential, Duration cacheTtl, Integer cacheSize) {

    /** Applies the defaults. */
    public BasicAuthConfig {
        realm = realm == null ? "gatehouse" : realm;
        users = users == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(users));
        cacheTtl = cacheTtl == null ? Duration.ofMinutes(1) : cacheTtl;
        cacheSize = cacheSize == null ? 10_000 : cacheSize;
    }

    /**
     * One user.
     *
     * @param username     the user name, compared exactly; it is also the consumer id; required
     * @param passwordHash the bcrypt hash of the password ({@code $2y$}, {@code $2b$} or {@code $2a$}, as
     *                     {@code htpasswd -nbBC 10 user password} prints it after the colon); required
     * @param groups       the user's groups; default: none
     */
    public record User(@Required String username, @Required String passwordHash, List<String> groups) {

        /** Applies the defaults; keeps {@code null} elements for validation to report. */
        public User {
            groups = groups == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(groups));
        }
    }
}
