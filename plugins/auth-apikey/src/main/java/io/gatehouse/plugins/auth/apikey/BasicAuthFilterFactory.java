package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import org.pf4j.Extension;

/**
 * {@code filter.basic_auth}: HTTP Basic authentication against bcrypt password hashes, inline and in a hot-reloaded
 * file. See {@link BasicAuthConfig}.
 */
@Extension
public final class BasicAuthFilterFactory implements FilterFactory<BasicAuthConfig> {

    static final String ID = "filter.basic_auth";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Class<BasicAuthConfig> configType() {
        return BasicAuthConfig.class;
    }

    @Override
    public void validate(BasicAuthConfig config, Problems problems) {
        if (config.users().isEmpty() && config.usersFile() == null) {
            problems.add("", "no users: give users, users_file or both");
        }
        if (config.usersFile() != null && config.usersFile().isBlank()) {
            problems.add("users_file", "must not be blank");
        }
        Catalog.validateAll(Users.CATALOG, config.users(), "users", problems);
        CredentialFilter.validateCommon(config.realm(), config.anonymous(), problems);
        if (config.cacheTtl().isNegative()) {
            problems.add("cache_ttl", "must not be negative (0s turns the cache off)");
        }
        if (config.cacheSize() < 0) {
            problems.add("cache_size", "must not be negative (0 turns the cache off)");
        }
    }

    @Override
    public Filter create(BasicAuthConfig config, PluginContext context) throws Exception {
        PasswordCheck passwords = context.state("verified",
                () -> new PasswordCheck(config.cacheTtl(), config.cacheSize(), System::nanoTime));
        EntrySource<BasicAuthConfig.User, Users.Table> users = context.state("users", () -> EntrySource.open(
                Users.CATALOG, config.users(), "users", context.home(), config.usersFile(), context.location(),
                context.logger(), passwords::forgetAll));
        PasswordCheck.prepareDecoy(users.current().typicalCost());
        return new BasicAuthFilter(config, users::current, passwords, context.logger());
    }
}
