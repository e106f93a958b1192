package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.api.Required;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Config of {@code filter.api_key}.
 *
 * <pre>{@code
 * - api_key:
 *     header: X-API-Key
 *     query_param: api_key
 *     keys:
 *       - { hash: "sha256:5e88...", consumer: alice, groups: [admins] }
 *     keys_file: conf/api-keys.yaml
 *     anonymous: guest
 * }</pre>
 *
 * @param header         the request header that carries the key; default {@code X-API-Key}
 * @param queryParam     a query parameter that may carry the key instead (removed before the upstream, always);
 *                       default: none, the key is read from the header only
 * @param keys           the keys, each as its SHA-256 hash with the consumer it identifies; default: none
 * @param keysFile       a YAML file with more keys in the same shape (a list), relative to the gateway's home;
 *                       watched, and reloaded when it changes; default: none. {@code keys} or {@code keys_file} is
 *                       required
 * @param anonymous      the consumer id a request without any key is admitted as; default: none (refused with 401
 *                       unless another authentication filter of the route identifies it)
 * @param realm          the realm in {@code WWW-Authenticate: ApiKey realm="..."}; default {@code gatehouse}
 * @param keepCredential whether the key header goes on to the upstream; default {@code false}
 */
public record ApiKeyConfig(String header, String queryParam, List<Key> keys, String keysFile, String anonymous,
                           String realm, boolean keepCredential) {

    /** Applies the defaults. */
    public ApiKeyConfig {
        header = header == null ? "X-API-Key" : header;
        keys = keys == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(keys));
        realm = realm == null ? "gatehouse" : realm;
    }

    /**
     * One key.
     *
     * @param hash     {@code sha256:} and the 64 hex digits of the SHA-256 of the key's UTF-8 bytes, as
     *                 {@code bin/gatehouse hash-key} prints it; required
     * @param consumer the consumer id the key identifies; required
     * @param groups   the consumer's groups; default: none
     */
    public record Key(@Required String hash, @Required String consumer, List<String> groups) {

        /** Applies the defaults; keeps {@code null} elements for validation to report. */
        public Key {
            groups = groups == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(groups));
        }
    }
}
