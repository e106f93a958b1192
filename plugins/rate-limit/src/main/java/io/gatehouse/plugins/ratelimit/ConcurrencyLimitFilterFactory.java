package io.gatehouse.plugins.ratelimit;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import org.pf4j.Extension;

import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code filter.concurrency_limit}: at most {@code limit} requests in flight per key (APISIX's {@code limit-conn}).
 * A request's slot is given back once its response was sent whole or the client went away
 * ({@code Exchange.onComplete}); beyond the limit the answer is 429 {@code concurrency_limited}.
 */
@Extension
public final class ConcurrencyLimitFilterFactory implements FilterFactory<ConcurrencyLimitFilterFactory.Config> {

    /**
     * @param limit requests in flight at most per key; required, at least 1
     * @param key   as in {@code filter.rate_limit}: {@code global} (the default), {@code ip}, {@code consumer},
     *              {@code header:<name>}, {@code route}, or several joined with {@code +}
     */
    public record Config(Integer limit, String key) {
        /** Applies the defaults. */
        public Config {
            limit = limit == null ? 0 : limit;
            key = key == null ? "global" : key;
        }
    }

    @Override
    public String id() {
        return "filter.concurrency_limit";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public void validate(Config config, Problems problems) {
        if (config.limit() < 1) {
            problems.add("limit", "required: at least 1 request in flight, got " + config.limit());
        }
        LimitKey.validate(config.key(), "key", problems);
    }

    @Override
    public Filter create(Config config, PluginContext context) throws Exception {
        InFlight inFlight = context.state("in-flight", InFlight::new);
        LimitKey key = LimitKey.parse(config.key());
        int limit = config.limit();
        return (exchange, chain) -> {
            String value = key.of(exchange);
            if (!inFlight.enter(value, limit)) {
                throw new GatewayException(429, "concurrency_limited", "Too many requests in flight: at most "
                        + limit + " at once by " + config.key() + "; retry when one has finished")
                        .header("Retry-After", "1");
            }
            try {
                exchange.onComplete(completion -> inFlight.leave(value));
            } catch (RuntimeException e) {
                inFlight.leave(value);
                throw e;
            }
            return chain.proceed(exchange);
        };
    }

    /** The requests in flight per key; a key with none is removed, so memory follows the requests. */
    static final class InFlight implements AutoCloseable {
        private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

        boolean enter(String key, int limit) {
            boolean[] entered = {false};
            counts.compute(key, (k, count) -> {
                int now = count == null ? 0 : count;
                if (now >= limit) {
                    return count;
                }
                entered[0] = true;
                return now + 1;
            });
            return entered[0];
        }

        void leave(String key) {
            counts.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
        }

        int inFlight(String key) {
            return counts.getOrDefault(key, 0);
        }

        @Override
        public void close() {
            counts.clear();
        }
    }
}
