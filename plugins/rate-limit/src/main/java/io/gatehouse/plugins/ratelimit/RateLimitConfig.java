package io.gatehouse.plugins.ratelimit;

import io.gatehouse.api.Doc;

import java.time.Duration;
import java.util.List;

/**
 * The options of {@code filter.rate_limit}.
 *
 * @param policies     the limits a request must pass, checked in order; required, at least one
 * @param backend      where the counters live: {@code local} (this node's memory, the default) or {@code redis}
 *                     (shared by every node that uses the same Redis)
 * @param redis        how to reach Redis, for {@code backend: redis}
 * @param onRedisError what a request gets while Redis cannot answer within its timeout: {@code allow} (no limit),
 *                     {@code deny} (503 {@code rate_limiter_unavailable}) or {@code local} (the default: this node
 *                     limits alone, to {@code redis.local_share} of each limit)
 * @param headers      whether responses carry {@code RateLimit-Limit}, {@code RateLimit-Remaining} and
 *                     {@code RateLimit-Reset}; default {@code true}
 * @param maxKeys      how many keys (clients, consumers...) each policy tracks in memory at most; idle keys expire
 *                     sooner; default {@code 100000}
 */
public record RateLimitConfig(
        @Doc("the limits a request must pass, checked in order; at least one") List<Policy> policies,
        @Doc("where the counters live: local (this node's memory) or redis (shared by every node)") Backend backend,
        @Doc("how to reach Redis, for backend: redis") RedisSettings redis,
        @Doc("what a request gets while Redis cannot answer: allow (no limit), deny (503), or local (this node "
                + "limits alone, to redis.local_share of each limit)") OnRedisError onRedisError,
        @Doc("whether responses carry RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset") Boolean headers,
        @Doc("how many keys each policy tracks in memory at most; idle keys expire sooner") Long maxKeys) {

    /** Applies the defaults. */
    public RateLimitConfig {
        policies = policies == null ? List.of() : List.copyOf(policies);
        backend = backend == null ? Backend.LOCAL : backend;
        redis = redis == null ? new RedisSettings(null, null, null, null, null, null, null) : redis;
        onRedisError = onRedisError == null ? OnRedisError.LOCAL : onRedisError;
        headers = headers == null || headers;
        maxKeys = maxKeys == null ? 100_000L : maxKeys;
    }

    /** Where the counters live. */
    public enum Backend { LOCAL, REDIS }

    /** What a request gets while Redis is unreachable or slow. */
    public enum OnRedisError { ALLOW, DENY, LOCAL }

    /** The algorithm of a policy. */
    public enum Algorithm { SLIDING_WINDOW, TOKEN_BUCKET }

    /**
     * One limit.
     *
     * @param key       what is counted separately: {@code global}, {@code ip}, {@code consumer},
     *                  {@code header:<name>}, {@code route}, or several joined with {@code +}
     *                  ({@code consumer+route}); default {@code ip}
     * @param algorithm {@code sliding_window} (the default: at most {@code limit} requests over any
     *                  {@code window}, estimated from the current and the previous window) or {@code token_bucket}
     *                  ({@code limit} tokens per {@code window} refill a bucket of {@code burst})
     * @param limit     requests per window; required, at least 1
     * @param window    the window; default {@code 1s}
     * @param burst     the token bucket's size; default {@code limit}. Sliding windows have none.
     * @param group     shares this policy's counters with every policy of the same group on any route; all of them
     *                  must have the same definition; default none (the counters are this route's)
     */
    public record Policy(
            @Doc("what is counted separately: global, ip, consumer, header:<name>, route, or several joined with +")
            String key,
            @Doc("sliding_window (at most limit requests over any window) or token_bucket (limit tokens per window "
                    + "refill a bucket of burst)") Algorithm algorithm,
            @Doc("requests per window; required, at least 1") Long limit,
            @Doc("the window") Duration window,
            @Doc("the token bucket's size; default: limit") Long burst,
            @Doc("shares this policy's counters with every policy of the same group on any route; default: this "
                    + "route's own counters") String group) {

        /** Applies the defaults. */
        public Policy {
            key = key == null ? "ip" : key;
            algorithm = algorithm == null ? Algorithm.SLIDING_WINDOW : algorithm;
            limit = limit == null ? 0L : limit;
            window = window == null ? Duration.ofSeconds(1) : window;
            burst = burst == null ? limit : burst;
        }
    }

    /**
     * How to reach Redis.
     *
     * @param host       default {@code 127.0.0.1}
     * @param port       default {@code 6379}
     * @param password   default none
     * @param database   default {@code 0}
     * @param timeout    connect and answer timeout; default {@code 50ms}
     * @param poolSize   connections at most; default {@code 64}
     * @param localShare the share of each limit this node allows alone while Redis is down
     *                   ({@code on_redis_error: local}); default {@code 1.0}, set {@code 1/nodes}
     */
    public record RedisSettings(@Doc("the Redis host") String host,
                                @Doc("the Redis port") Integer port,
                                @Doc("the Redis password, usually ${REDIS_PASSWORD}") String password,
                                @Doc("the Redis database number") Integer database,
                                @Doc("connect and answer timeout") Duration timeout,
                                @Doc("connections at most") Integer poolSize,
                                @Doc("the share of each limit this node allows alone while Redis is down; set "
                                        + "1/nodes") Double localShare) {

        /** Applies the defaults. */
        public RedisSettings {
            host = host == null ? "127.0.0.1" : host;
            port = port == null ? 6379 : port;
            password = password == null || password.isEmpty() ? null : password;
            database = database == null ? 0 : database;
            timeout = timeout == null ? Duration.ofMillis(50) : timeout;
            poolSize = poolSize == null ? 64 : poolSize;
            localShare = localShare == null ? 1.0 : localShare;
        }

        @Override
        public String toString() {
            return "redis " + host + ":" + port + "/" + database;
        }
    }
}
