package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.HttpTokens;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import org.pf4j.Extension;

/**
 * {@code filter.api_key}: API keys, stored as SHA-256 hashes, inline and in a hot-reloaded file. See
 * {@link ApiKeyConfig}.
 */
@Extension
public final class ApiKeyFilterFactory implements FilterFactory<ApiKeyConfig> {

    static final String ID = "filter.api_key";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Class<ApiKeyConfig> configType() {
        return ApiKeyConfig.class;
    }

    @Override
    public void validate(ApiKeyConfig config, Problems problems) {
        if (!HttpTokens.isToken(config.header())) {
            problems.add("header", "must be a header name");
        } else if (config.header().regionMatches(true, 0, "X-Consumer-", 0, 11)) {
            problems.add("header", "the gateway removes every X-Consumer-* header a client sends; name another");
        }
        if (config.queryParam() != null && config.queryParam().isBlank()) {
            problems.add("query_param", "must not be blank (leave it out to read the key from the header only)");
        }
        if (config.keys().isEmpty() && config.keysFile() == null) {
            problems.add("", "no keys: give keys, keys_file or both");
        }
        if (config.keysFile() != null && config.keysFile().isBlank()) {
            problems.add("keys_file", "must not be blank");
        }
        Catalog.validateAll(ApiKeys.CATALOG, config.keys(), "keys", problems);
        CredentialFilter.validateCommon(config.realm(), config.anonymous(), problems);
    }

    @Override
    public Filter create(ApiKeyConfig config, PluginContext context) throws Exception {
        EntrySource<ApiKeyConfig.Key, ApiKeys.Table> keys = context.state("keys", () -> EntrySource.open(
                ApiKeys.CATALOG, config.keys(), "keys", context.home(), config.keysFile(), context.location(),
                context.logger(), () -> { }));
        return new ApiKeyFilter(config, keys::current, context.logger());
    }
}
