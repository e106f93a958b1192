package io.gatehouse.plugins.ratelimit;

/** The counters of one policy: decides, and counts, one request of one key. Thread-safe. */
interface Limiter extends AutoCloseable {

    /**
     * @param key the request's key under the policy, e.g. {@code ip=10.0.0.7}
     * @return the decision; an allowed request has been counted
     */
    Decision acquire(String key);

    @Override
    default void close() {
    }
}
