package io.gatehouse.plugins.access;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import org.pf4j.Extension;

/**
 * {@code filter.cors}: answers CORS preflights and adds the CORS headers to admitted cross-origin requests. See
 * {@link CorsConfig} and {@link CorsFilter}.
 */
@Extension
public final class CorsFilterFactory implements FilterFactory<CorsConfig> {

    @Override
    public String id() {
        return "filter.cors";
    }

    @Override
    public Class<CorsConfig> configType() {
        return CorsConfig.class;
    }

    /**
     * Reports every origin that is not {@code scheme://host[:port]} or a subdomain wildcard, {@code "*"} together
     * with {@code allow_credentials: true} (browsers refuse it, and echoing any origin instead would expose every
     * visitor's cookies), {@code "*"} mixed with names, names that are not HTTP tokens and a negative
     * {@code max_age}.
     */
    @Override
    public void validate(CorsConfig config, Problems problems) {
        CorsPolicy.of(config, problems);
    }

    @Override
    public Filter create(CorsConfig config, PluginContext context) {
        return new CorsFilter(CorsPolicy.of(config, InvalidConfig.THROW), new Refusal(context));
    }
}
