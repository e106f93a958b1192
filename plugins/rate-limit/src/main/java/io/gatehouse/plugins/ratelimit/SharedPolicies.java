package io.gatehouse.plugins.ratelimit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The counters of policies with a {@code group}, shared by every route that names the group (APISIX's
 * {@code limit-count} {@code group}). Static, so per load of this plugin (each plugin has its own class loader).
 *
 * <p>The counters of one group and definition live while any route of any generation holds a {@link Handle}
 * (taken through {@code PluginContext.state}, so an unchanged policy keeps its handle, and its counters, across a
 * reload); the last handle closed frees them. A group whose definition changed gets new counters.
 *
 * <p>All members of a group in one config must agree. The gateway creates a config's filters one after another on
 * one thread, so a build is told apart from the next by {@link #building}: a place created again, another thread,
 * or a pause of more than two seconds starts a new one. Members that disagree within one build fail the creation.
 */
final class SharedPolicies {

    private static final long BUILD_PAUSE_NANOS = 2_000_000_000L;
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Map<Definition, Shared> STORES = new HashMap<>();
    private static final Set<String> BUILD_PLACES = new HashSet<>();
    private static final Map<String, Member> BUILD_GROUPS = new HashMap<>();
    private static Thread buildThread;
    private static long lastCreate;

    private SharedPolicies() {
    }

    /**
     * The definition of a shared policy: everything that must be equal for routes to share its counters.
     *
     * @param policy   the policy, group included
     * @param backend  local or redis
     * @param redis    the Redis settings (for the redis backend)
     * @param onError  on_redis_error
     * @param maxKeys  max_keys
     */
    record Definition(RateLimitConfig.Policy policy, RateLimitConfig.Backend backend,
                      RateLimitConfig.RedisSettings redis, RateLimitConfig.OnRedisError onError, long maxKeys) {

        static Definition of(RateLimitConfig.Policy policy, RateLimitConfig config) {
            boolean redis = config.backend() == RateLimitConfig.Backend.REDIS;
            return new Definition(policy, config.backend(), redis ? config.redis() : null,
                    redis ? config.onRedisError() : null, config.maxKeys());
        }

        /** @return what differs from {@code other}, e.g. {@code limit 100 vs 50} */
        List<String> differences(Definition other) {
            List<String> out = new ArrayList<>();
            differ(out, "key", policy.key(), other.policy.key());
            differ(out, "algorithm", policy.algorithm(), other.policy.algorithm());
            differ(out, "limit", policy.limit(), other.policy.limit());
            differ(out, "window", policy.window(), other.policy.window());
            if (policy.algorithm() == RateLimitConfig.Algorithm.TOKEN_BUCKET
                    || other.policy.algorithm() == RateLimitConfig.Algorithm.TOKEN_BUCKET) {
                differ(out, "burst", policy.burst(), other.policy.burst());
            }
            differ(out, "backend", backend, other.backend);
            differ(out, "redis", redis, other.redis);
            differ(out, "on_redis_error", onError, other.onError);
            differ(out, "max_keys", maxKeys, other.maxKeys);
            return out;
        }

        private static void differ(List<String> out, String name, Object a, Object b) {
            if (!Objects.equals(a, b)) {
                out.add(name + " " + a + " vs " + b);
            }
        }
    }

    /** One place's hold on a group's counters; closing the last one frees them. */
    static final class Handle implements AutoCloseable {
        private final Shared shared;
        private boolean closed;

        private Handle(Shared shared) {
            this.shared = shared;
        }

        Limiter limiter() {
            return shared.limiter;
        }

        @Override
        public void close() {
            LOCK.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                if (--shared.holders > 0) {
                    return;
                }
                STORES.remove(shared.definition);
            } finally {
                LOCK.unlock();
            }
            shared.limiter.close();
        }
    }

    private static final class Shared {
        final Definition definition;
        final Limiter limiter;
        int holders;

        Shared(Definition definition, Limiter limiter) {
            this.definition = definition;
            this.limiter = limiter;
        }
    }

    private record Member(Definition definition, String place) {
    }

    /** Notes that the filter at {@code place} is being created: the start of a new build, or the next of one. */
    static void building(String place) {
        LOCK.lock();
        try {
            long now = System.nanoTime();
            if (buildThread != Thread.currentThread() || now - lastCreate > BUILD_PAUSE_NANOS
                    || BUILD_PLACES.contains(place)) {
                BUILD_PLACES.clear();
                BUILD_GROUPS.clear();
                buildThread = Thread.currentThread();
            }
            BUILD_PLACES.add(place);
            lastCreate = now;
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Checks a group member against the members of the same build.
     *
     * @throws IllegalArgumentException naming the group, both places and what differs
     */
    static void join(Definition definition, String place) {
        LOCK.lock();
        try {
            String group = definition.policy().group();
            Member first = BUILD_GROUPS.putIfAbsent(group, new Member(definition, place));
            if (first != null && !first.definition.equals(definition)) {
                throw new IllegalArgumentException("rate limit group '" + group + "' is defined differently at "
                        + first.place + " and " + place + ": " + String.join(", ",
                        first.definition.differences(definition)) + "; every policy of a group must be the same");
            }
        } finally {
            LOCK.unlock();
        }
    }

    /** @return a hold on the group's counters, made by {@code create} when no one holds them */
    static Handle acquire(Definition definition, Callable<Limiter> create) throws Exception {
        LOCK.lock();
        try {
            Shared shared = STORES.get(definition);
            if (shared == null) {
                shared = new Shared(definition, create.call());
                STORES.put(definition, shared);
            }
            shared.holders++;
            return new Handle(shared);
        } finally {
            LOCK.unlock();
        }
    }
}
