package io.gatehouse.plugins.cache;

import io.gatehouse.api.Body;
import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code filter.cache}: answers GET and HEAD from stored responses, and stores what the upstream allows. Every
 * response it passes says {@code X-Cache: HIT}, {@code MISS} or {@code BYPASS}.
 */
final class CacheFilter implements Filter {

    static final String X_CACHE = "X-Cache";
    private static final List<String> CONDITIONS = List.of("If-None-Match", "If-Modified-Since");
    private static final java.util.Set<String> UNSAFE = java.util.Set.of("POST", "PUT", "PATCH", "DELETE");

    private final CacheStore store;
    private final StoragePolicy policy;
    private final List<String> varyHeaders;
    private final boolean cacheAuthenticated;
    private final long maxBodySize;
    private final Duration lockTimeout;
    private final System.Logger log;
    private final String location;
    private final AtomicBoolean warnedAboutOrder = new AtomicBoolean();

    CacheFilter(CacheConfig config, CacheStore store, System.Logger log, String location) {
        this.store = store;
        this.policy = new StoragePolicy(java.util.Set.copyOf(config.statuses()), config.ttl());
        this.varyHeaders = config.varyHeaders();
        this.cacheAuthenticated = config.cacheAuthenticated();
        this.maxBodySize = config.maxBodySizeValue();
        this.lockTimeout = config.lockTimeout();
        this.log = log;
        this.location = location;
    }

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        Request request = exchange.request();
        boolean head = request.method().equals("HEAD");
        if (!head && !request.method().equals("GET")) {
            return mark(invalidateOnChange(exchange, chain.proceed(exchange)), "BYPASS");
        }
        Optional<String> consumer = consumer(exchange);
        // a cookie is as personal as a credential: a session's page must not be served to the next client
        boolean authorization = request.headers().contains("Authorization") || request.headers().contains("Cookie");
        if ((consumer.isPresent() || authorization) && !(cacheAuthenticated && consumer.isPresent())) {
            return mark(chain.proceed(exchange), "BYPASS");
        }
        CacheKey key = new CacheKey(new CacheKey.Resource(exchange.routeId(), request.scheme(),
                request.host().toLowerCase(Locale.ROOT), request.path(), request.rawQuery()),
                CacheKey.values(varyHeaders, request.headers(), hostPort(request)), consumer.orElse(null));
        CachedResponse hit = store.lookup(key, request.headers());
        if (hit != null) {
            return mark(hit.toResponse(store.now(), true, request.headers()), "HIT");
        }
        if (head) {
            return mark(chain.proceed(exchange), "MISS");
        }
        CacheKey.Variant variant = store.variant(key, request.headers());
        CompletableFuture<Void> running = lockTimeout.isPositive() ? store.lead(variant) : null;
        if (running == null) {
            try {
                return fetch(exchange, chain, key, consumer.isPresent());
            } finally {
                if (lockTimeout.isPositive()) {
                    store.fetched(variant);
                }
            }
        }
        if (store.await(running, lockTimeout)) {
            hit = store.lookup(key, request.headers());
            if (hit != null) {
                return mark(hit.toResponse(store.now(), true, request.headers()), "HIT");
            }
        }
        return fetch(exchange, chain, key, consumer.isPresent());
    }

    /**
     * Fetches from upstream and stores the response when it may be. The request's conditions are held back, so
     * the upstream answers in full, and applied to the stored response afterwards.
     */
    private Response fetch(Exchange exchange, Chain chain, CacheKey key, boolean identified) throws Exception {
        Request request = exchange.request();
        Headers conditions = new Headers();
        for (String name : CONDITIONS) {
            for (String value : request.headers().all(name)) {
                conditions.add(name, value);
            }
            request.headers().remove(name);
        }
        Headers requestHeaders = request.headers().copy();
        boolean noStore = CacheControl.of(request.headers()).has("no-store");
        Response response = chain.proceed(exchange);
        Instant now = store.now();
        if (!identified && consumer(exchange).isPresent()) {
            warnAboutOrder();
            return mark(response, "BYPASS");
        }
        Optional<StoragePolicy.Freshness> freshness = noStore || streamed(response) ? Optional.empty()
                : policy.freshness(response.status(), response.headers(), now);
        long length = response.body().length();
        if (freshness.isEmpty() || length > maxBodySize) {
            return mark(response, "MISS");
        }
        InputStream in = response.body().stream();
        byte[] prefix = readUpTo(in, maxBodySize + 1);
        if (prefix.length > maxBodySize) {
            // longer than a cached body may be: the client gets what was read, then the rest as it comes
            Body rest = Body.of(new SequenceInputStream(new ByteArrayInputStream(prefix), in), length);
            return mark(new Response(response.status(), response.headers(), rest), "MISS");
        }
        in.close();
        if (length >= 0 && prefix.length != length) {
            throw broken(new IOException("the body ended after " + prefix.length + " of " + length + " bytes"));
        }
        CachedResponse stored = new CachedResponse(response.status(), response.headers(), prefix, now,
                freshness.get());
        store.put(key, requestHeaders, stored);
        // Age only when the upstream's response was already old (its own Age, or a Date in the past)
        return mark(stored.toResponse(now, freshness.get().initialAge().toSeconds() > 0, conditions), "MISS");
    }

    /**
     * A request that may change the resource and succeeded (2xx, 3xx) removes what is stored for its URL, every
     * variant and consumer of it (RFC 9111 section 4.4). Costs a pass over the store's keys, so only then.
     */
    private Response invalidateOnChange(Exchange exchange, Response response) {
        Request request = exchange.request();
        if (response.status() < 400 && UNSAFE.contains(request.method())) {
            store.purgeResource(exchange.routeId(), request.host().toLowerCase(Locale.ROOT), request.path(),
                    request.rawQuery());
        }
        return response;
    }

    /** Reads until the end or {@code limit} bytes; a body the upstream broke off is a 502, and nothing is stored. */
    private static byte[] readUpTo(InputStream in, long limit) {
        try {
            return in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8));
        } catch (IOException e) {
            throw broken(e);
        } catch (UncheckedIOException e) {
            throw broken(e.getCause());
        }
    }

    private static GatewayException broken(IOException cause) {
        return new GatewayException(502, "upstream_broken", "the upstream broke off its response", cause);
    }

    /** A stream of events never ends by itself: it is never held back to be cached. */
    private static boolean streamed(Response response) {
        return response.headers().first("Content-Type")
                .map(type -> type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")).orElse(false);
    }

    /** The consumer a credential identified; an anonymous consumer is no one in particular, as no consumer. */
    private static Optional<String> consumer(Exchange exchange) {
        return exchange.authenticated().filter(c -> !c.isAnonymous()).map(io.gatehouse.api.Consumer::id);
    }

    private void warnAboutOrder() {
        if (warnedAboutOrder.compareAndSet(false, true)) {
            log.log(System.Logger.Level.WARNING, () -> "filter.cache at " + location + " runs before the route's "
                    + "authentication, so it cannot key responses by consumer: they are not cached. Put it after "
                    + "the authentication filters.");
        }
    }

    private static Response mark(Response response, String outcome) {
        response.headers().set(X_CACHE, outcome);
        return response;
    }

    /**
     * The port of the {@code Host} header as sent, empty when none. The key's host is the name alone, but the
     * upstream sees the port too ({@code X-Forwarded-Host}, {@code Forwarded}) and may build links and redirects
     * with it: a response made for {@code example.com:1} must not be served for {@code example.com}.
     */
    private static String hostPort(Request request) {
        String host = request.headers().first("Host").orElse("");
        int colon = host.lastIndexOf(':');
        return colon > host.lastIndexOf(']') ? host.substring(colon + 1) : "";
    }
}
