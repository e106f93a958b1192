package io.gatehouse.plugins.ratelimit;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A policy's counters in Redis, shared by every node: one Lua script per decision (EVALSHA, EVAL when Redis has
 * not seen the script yet), with Redis's {@code TIME} as the clock. A request Redis fails to answer (within the
 * timeout) gets what {@code on_redis_error} says; after three failures in a row Redis counts as down: requests no
 * longer wait for it, and one request a second probes it, so the limiter comes back by itself. Each change (down,
 * back) is logged once.
 */
final class RedisLimiter implements Limiter {

    private static final String SCRIPT = script();
    private static final String SHA = sha1(SCRIPT);
    private static final long PROBE_INTERVAL = Duration.ofSeconds(1).toNanos();
    /** Failures in a row that make Redis count as down; a single slow answer only fails its own request. */
    private static final int FAILURES_TO_DOWN = 3;

    private final RedisClient redis;
    private final String prefix;
    private final List<String> args;
    private final long limit;
    private final RateLimitConfig.OnRedisError onError;
    private final Limiter fallback;
    private final RateLimitConfig.RedisSettings settings;
    private final System.Logger log;
    private final String place;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong nextProbe = new AtomicLong();
    private final AtomicInteger failures = new AtomicInteger();

    /**
     * @param policy   the policy
     * @param prefix   the start of every key of this policy (which definition, which place or group)
     * @param settings how to reach Redis
     * @param onError  what a request gets while Redis fails
     * @param fallback the per-node limiter for {@code on_redis_error: local}
     * @param log      where the state changes go
     * @param place    whose counters these are, for the log: a filter's location or a group
     */
    RedisLimiter(RateLimitConfig.Policy policy, String prefix, RateLimitConfig.RedisSettings settings,
                 RateLimitConfig.OnRedisError onError, Limiter fallback, System.Logger log, String place) {
        this.place = place;
        this.prefix = prefix;
        this.settings = settings;
        this.onError = onError;
        this.fallback = fallback;
        this.log = log;
        boolean bucket = policy.algorithm() == RateLimitConfig.Algorithm.TOKEN_BUCKET;
        this.limit = bucket ? policy.burst() : policy.limit();
        this.args = List.of(bucket ? "tb" : "sw", Long.toString(policy.limit()),
                Long.toString(policy.window().toNanos() / 1000), Long.toString(policy.burst()));
        int timeout = (int) Math.max(1, settings.timeout().toMillis());
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(settings.poolSize());
        pool.setMaxIdle(settings.poolSize());
        pool.setMaxWait(settings.timeout());
        pool.setJmxEnabled(false);
        this.redis = RedisClient.builder().hostAndPort(new HostAndPort(settings.host(), settings.port()))
                .poolConfig(pool)
                .clientConfig(DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeout)
                        .socketTimeoutMillis(timeout).password(settings.password()).database(settings.database())
                        .clientName("gatehouse-rate-limit").build())
                .build();
    }

    @Override
    public Decision acquire(String key) {
        long now = System.nanoTime();
        long probe = nextProbe.get();
        if (down.get() && (now < probe || !nextProbe.compareAndSet(probe, now + PROBE_INTERVAL))) {
            return failed(key);
        }
        try {
            List<?> reply = (List<?>) evaluate(List.of(prefix + key));
            failures.set(0);
            if (down.compareAndSet(true, false)) {
                log.log(System.Logger.Level.INFO, "rate limit {0}: {1} answers again; limits are shared again",
                        place, settings);
            }
            long allowed = (Long) reply.get(0);
            long remaining = (Long) reply.get(1);
            long reset = (Long) reply.get(2) * 1000;
            return allowed == 1 ? Decision.allow(limit, remaining, reset)
                    : Decision.refuse(limit, reset, (Long) reply.get(3) * 1000);
        } catch (JedisException | ClassCastException e) {
            if (failures.incrementAndGet() < FAILURES_TO_DOWN && !down.get()) {
                return failed(key);
            }
            nextProbe.set(System.nanoTime() + PROBE_INTERVAL);
            if (down.compareAndSet(false, true)) {
                log.log(System.Logger.Level.WARNING, "rate limit {0}: {1} does not answer within {2} ms ({3}); "
                                + "on_redis_error: {4} until it does", place, settings, settings.timeout().toMillis(),
                        e.getClass().getSimpleName(), onError.name().toLowerCase(java.util.Locale.ROOT));
            }
            return failed(key);
        }
    }

    private Object evaluate(List<String> keys) {
        try {
            return redis.evalsha(SHA, keys, args);
        } catch (JedisNoScriptException e) {
            return redis.eval(SCRIPT, keys, args);
        }
    }

    private Decision failed(String key) {
        return switch (onError) {
            case ALLOW -> Decision.unknown(true);
            case DENY -> Decision.unknown(false);
            case LOCAL -> fallback.acquire(key);
        };
    }

    /** @return whether Redis is considered down now */
    boolean down() {
        return down.get();
    }

    @Override
    public void close() {
        redis.close();
        fallback.close();
    }

    private static String script() {
        try (InputStream in = RedisLimiter.class.getResourceAsStream("rate-limit.lua")) {
            if (in == null) {
                throw new IllegalStateException("rate-limit.lua is missing from the plugin JAR");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
