package io.gatehouse.plugins.ratelimit;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import org.pf4j.Extension;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** {@code filter.rate_limit}: see docs/rate-limiting.md. */
@Extension
public final class RateLimitFilterFactory implements FilterFactory<RateLimitConfig> {

    private final Clock clock;

    /** The factory the gateway uses, on the system clock. */
    public RateLimitFilterFactory() {
        this(Clock.systemUTC());
    }

    /** @param clock the clock of the local counters (tests move it by hand) */
    public RateLimitFilterFactory(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String id() {
        return "filter.rate_limit";
    }

    @Override
    public Class<RateLimitConfig> configType() {
        return RateLimitConfig.class;
    }

    @Override
    public void validate(RateLimitConfig config, Problems problems) {
        if (config.policies().isEmpty()) {
            problems.add("policies", "required: at least one policy, e.g. { key: ip, limit: 100, window: 1s }");
        }
        for (int i = 0; i < config.policies().size(); i++) {
            RateLimitConfig.Policy policy = config.policies().get(i);
            String at = "policies[" + i + "].";
            LimitKey.validate(policy.key(), at + "key", problems);
            if (policy.limit() < 1) {
                problems.add(at + "limit", "required: at least 1 request per window, got " + policy.limit());
            }
            if (policy.window().toMillis() < 1) {
                problems.add(at + "window", "must be at least 1ms, got " + policy.window());
            }
            if (policy.burst() < 1) {
                problems.add(at + "burst", "must be at least 1, got " + policy.burst());
            }
            if (policy.group() != null && policy.group().isBlank()) {
                problems.add(at + "group", "must not be blank; leave it out for counters of this route only");
            }
        }
        RateLimitConfig.RedisSettings redis = config.redis();
        if (redis.timeout().toMillis() < 1) {
            problems.add("redis.timeout", "must be at least 1ms, got " + redis.timeout());
        }
        if (redis.poolSize() < 1) {
            problems.add("redis.pool_size", "must be at least 1, got " + redis.poolSize());
        }
        if (redis.port() < 1 || redis.port() > 65535) {
            problems.add("redis.port", "must be 1..65535, got " + redis.port());
        }
        if (redis.localShare() <= 0 || redis.localShare() > 1) {
            problems.add("redis.local_share", "must be > 0 and <= 1, got " + redis.localShare());
        }
        if (config.maxKeys() < 1) {
            problems.add("max_keys", "must be at least 1, got " + config.maxKeys());
        }
    }

    @Override
    public Filter create(RateLimitConfig config, PluginContext context) throws Exception {
        SharedPolicies.building(context.location());
        List<RateLimitFilter.Bound> bound = new ArrayList<>();
        for (int i = 0; i < config.policies().size(); i++) {
            RateLimitConfig.Policy policy = config.policies().get(i);
            bound.add(new RateLimitFilter.Bound(LimitKey.parse(policy.key()), limiter(config, policy, i, context),
                    policy));
        }
        return new RateLimitFilter(bound, config.headers(), context.meters());
    }

    private Limiter limiter(RateLimitConfig config, RateLimitConfig.Policy policy, int index, PluginContext context)
            throws Exception {
        if (policy.group() == null) {
            String place = context.location() + ".policies[" + index + "]";
            return context.state("policy " + index, () -> limiter(config, policy, place, context));
        }
        SharedPolicies.Definition definition = SharedPolicies.Definition.of(policy, config);
        SharedPolicies.join(definition, context.location());
        SharedPolicies.Handle handle = context.state("group " + policy.group(), () -> SharedPolicies.acquire(
                definition, () -> limiter(config, policy, "group " + policy.group(), context)));
        return handle.limiter();
    }

    /** The counters of one policy; {@code place} names them in Redis (with the policy's definition). */
    private Limiter limiter(RateLimitConfig config, RateLimitConfig.Policy policy, String place,
                            PluginContext context) throws Exception {
        if (config.backend() == RateLimitConfig.Backend.LOCAL) {
            return new LocalLimiter(policy, 1.0, config.maxKeys(), clock);
        }
        LocalLimiter fallback = new LocalLimiter(policy, config.redis().localShare(), config.maxKeys(), clock);
        String definition = place + " " + policy.key() + " " + policy.algorithm() + " " + policy.limit() + " "
                + policy.window() + " " + policy.burst();
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(definition.getBytes(StandardCharsets.UTF_8)), 0, 8);
        return new RedisLimiter(policy, "gatehouse:rl:" + digest + ":", config.redis(), config.onRedisError(),
                fallback, context.logger(), place);
    }
}
