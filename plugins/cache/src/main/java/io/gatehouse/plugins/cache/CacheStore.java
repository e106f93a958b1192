package io.gatehouse.plugins.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.gatehouse.api.Headers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The responses one {@code filter.cache} holds, kept across config reloads while its config is unchanged. Bounded by
 * entries and by bytes at once: each entry weighs its size in bytes, but at least {@code max_bytes / max_entries},
 * so that no more than {@code max_entries} ever fit (small responses then count a little more than they hold).
 * Entries leave when they turn stale, or the least valuable first when the store is full (Caffeine's W-TinyLFU).
 *
 * <p>A response is stored under its key and the request's values of the headers its {@code Vary} names; the names
 * are remembered per key, as Squid and Varnish do, so a lookup knows which request headers to compare.
 *
 * <p>It also runs request collapsing: the first miss for a variant fetches ({@link #lead}), later ones wait for it.
 * Thread-safe.
 */
final class CacheStore implements AutoCloseable {

    private final Clock clock;
    private final Cache<CacheKey.Variant, CachedResponse> entries;
    private final Cache<CacheKey, List<String>> varyNames;
    private final Map<CacheKey.Variant, CompletableFuture<Void>> fetching = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param maxEntries the most responses held
     * @param maxBytes   the most bytes held (estimated: bodies, headers and a fixed overhead each)
     * @param clock      the clock ages and expiry follow
     */
    CacheStore(int maxEntries, long maxBytes, Clock clock) {
        this.clock = clock;
        long slot = Math.max(1, maxBytes / Math.max(1, maxEntries));
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .<CacheKey.Variant, CachedResponse>weigher((key, entry) ->
                        (int) Math.min(Integer.MAX_VALUE, Math.max(slot, entry.bytes())))
                .expireAfter(new FreshFor())
                .ticker(() -> clock.millis() * 1_000_000L)
                .executor(Runnable::run)
                .build();
        this.varyNames = Caffeine.newBuilder()
                .maximumSize(Math.max(1, maxEntries))
                .executor(Runnable::run)
                .build();
        CacheRegistry.register(this);
    }

    /** The variant a request would be stored under, as far as the store knows the key's {@code Vary} now. */
    CacheKey.Variant variant(CacheKey key, Headers request) {
        List<String> names = varyNames.getIfPresent(key);
        return new CacheKey.Variant(key, names == null ? List.of() : CacheKey.values(names, request));
    }

    /** @return the fresh response for this request, or {@code null} */
    CachedResponse lookup(CacheKey key, Headers request) {
        List<String> names = varyNames.getIfPresent(key);
        if (names == null) {
            return null;
        }
        CachedResponse entry = entries.getIfPresent(new CacheKey.Variant(key, CacheKey.values(names, request)));
        return entry == null || entry.freshFor(clock.instant()).isPositive() ? entry : null;
    }

    /** Stores a response to {@code request} under {@code key} and the request's values of its {@code Vary}. */
    void put(CacheKey key, Headers request, CachedResponse response) {
        varyNames.put(key, response.varyNames());
        entries.put(new CacheKey.Variant(key, CacheKey.values(response.varyNames(), request)), response);
    }

    /**
     * Joins the fetch of a variant.
     *
     * @return {@code null} when the caller is the first and must fetch, then call {@link #fetched}; else the fetch
     *         under way, to {@link #await}
     */
    CompletableFuture<Void> lead(CacheKey.Variant variant) {
        return fetching.putIfAbsent(variant, new CompletableFuture<>());
    }

    /** The leader's fetch is over, stored or not: whoever waits for it looks again. */
    void fetched(CacheKey.Variant variant) {
        CompletableFuture<Void> mine = fetching.remove(variant);
        if (mine != null) {
            mine.complete(null);
        }
    }

    /** Waits at most {@code timeout} for a fetch under way; {@code false} when it took longer. */
    boolean await(CompletableFuture<Void> fetch, Duration timeout) throws InterruptedException {
        waiting.incrementAndGet();
        try {
            fetch.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** @return how many requests wait for another's fetch now */
    int waiting() {
        return waiting.get();
    }

    /** Removes every response of a route; @return how many */
    int purgeRoute(String route) {
        return purge(variant -> variant.base().resource().route().equals(route));
    }

    /**
     * Removes every response (all variants and consumers) of one resource.
     *
     * @param host the host, or {@code null} for any
     * @return how many were removed
     */
    int purgeResource(String route, String host, String path, String query) {
        return purge(variant -> {
            CacheKey.Resource resource = variant.base().resource();
            return resource.route().equals(route) && resource.path().equals(path) && resource.query().equals(query)
                    && (host == null || resource.host().equals(host));
        });
    }

    private int purge(Predicate<CacheKey.Variant> which) {
        int[] removed = {0};
        entries.asMap().keySet().removeIf(variant -> {
            boolean match = which.test(variant);
            removed[0] += match ? 1 : 0;
            return match;
        });
        varyNames.asMap().keySet().removeIf(key -> which.test(new CacheKey.Variant(key, List.of())));
        return removed[0];
    }

    /** @return the number of responses held, after pending evictions */
    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    Instant now() {
        return clock.instant();
    }

    @Override
    public void close() {
        CacheRegistry.unregister(this);
        entries.invalidateAll();
        varyNames.invalidateAll();
    }

    /** An entry expires when it turns stale. */
    private final class FreshFor implements Expiry<CacheKey.Variant, CachedResponse> {
        @Override
        public long expireAfterCreate(CacheKey.Variant key, CachedResponse value, long currentTime) {
            Duration left = value.freshFor(clock.instant());
            return left.isPositive() ? left.toNanos() : 0;
        }

        @Override
        public long expireAfterUpdate(CacheKey.Variant key, CachedResponse value, long currentTime,
                                      long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
        }

        @Override
        public long expireAfterRead(CacheKey.Variant key, CachedResponse value, long currentTime,
                                    long currentDuration) {
            return currentDuration;
        }
    }
}
