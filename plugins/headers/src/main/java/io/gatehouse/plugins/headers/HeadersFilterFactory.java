package io.gatehouse.plugins.headers;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.HttpTokens;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import org.pf4j.Extension;

import java.util.List;
import java.util.Map;

/**
 * {@code filter.headers}: sets, adds and removes request headers (before the upstream call) and response
 * headers (after it). See {@link HeadersConfig}.
 */
@Extension
public final class HeadersFilterFactory implements FilterFactory<HeadersConfig> {


    @Override
    public String id() {
        return "filter.headers";
    }

    @Override
    public Class<HeadersConfig> configType() {
        return HeadersConfig.class;
    }

    /**
     * Reports every header name that is not an HTTP token ({@code request.set.Bad Name: invalid header name}),
     * every value that is missing or holds CR, LF or NUL, and a config that changes nothing.
     */
    @Override
    public void validate(HeadersConfig config, Problems problems) {
        if (config.request().isEmpty() && config.response().isEmpty()) {
            problems.add("", "nothing to do: give at least one of request.set, request.add, request.remove, "
                    + "response.set, response.add, response.remove");
        }
        validate("request", config.request(), problems);
        validate("response", config.response(), problems);
    }

    @Override
    public Filter create(HeadersConfig config, PluginContext context) {
        return new HeadersFilter(config);
    }

    /** It only builds the rules: {@code gatehouse check} may create it. */
    @Override
    public boolean createIsSideEffectFree() {
        return true;
    }

    private static void validate(String phase, HeadersConfig.Rules rules, Problems problems) {
        validateValues(phase + ".set", rules.set(), problems);
        validateValues(phase + ".add", rules.add(), problems);
        List<String> remove = rules.remove();
        for (int i = 0; i < remove.size(); i++) {
            String name = remove.get(i);
            if (name == null || !HttpTokens.isToken(name)) {
                problems.add(phase + ".remove[" + i + "]", "invalid header name '" + name + "'");
            }
        }
    }

    private static void validateValues(String path, Map<String, String> headers, Problems problems) {
        headers.forEach((name, value) -> {
            if (!HttpTokens.isToken(name)) {
                problems.add(path + "." + name, "invalid header name");
            } else if (value == null) {
                problems.add(path + "." + name, "value required (use \"\" for an empty value)");
            } else if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                problems.add(path + "." + name, "invalid header value: CR, LF and NUL are not allowed");
            }
        });
    }

}
