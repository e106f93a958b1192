package io.gatehouse.plugins.auth.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Asks the authorization server about tokens (RFC 7662) and remembers the answers. This is the filter's state
 * across config reloads ({@code PluginContext.state}): one per filter config, shared by the generations that use
 * it, closed by the core when none does.
 *
 * <ul>
 *   <li><b>Cache</b>: keyed by an HMAC-SHA-256 of the token under a random key made here, never by the token.
 *       An active answer is kept for {@code cache_ttl} but never past its {@code exp}; a refused one (inactive,
 *       already expired) for {@code negative_cache_ttl}; a failed call not at all. At most {@code maximum_entries}
 *       answers (Caffeine's W-TinyLFU, so a flood of one-off tokens does not push out the ones in use).</li>
 *   <li><b>Single flight</b>: requests with the same token that is not cached share one call.</li>
 *   <li><b>Bounds</b>: a call takes at most {@code timeout} from start to last byte and its answer at most
 *       {@value #MAX_ANSWER_BYTES} bytes; at most {@code max_concurrent_calls} are in flight, beyond which a token
 *       not cached is refused at once rather than queued.</li>
 * </ul>
 * Thread-safe.
 */
final class Introspector implements AutoCloseable {

    /** The largest introspection answer read; a real one is a few hundred bytes. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IntrospectionConfig config;
    private final Clock clock;
    private final URI endpoint;
    private final String basicAuthorization;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client;
    private final AsyncCache<String, Answer> cache;
    private final Semaphore calls;
    private final SecretKeySpec tokenHashKey;

    /**
     * @param config the filter's config
     * @param clock  the wall clock, for {@code exp}
     * @param ticker the monotonic time cache lifetimes run on ({@code System::nanoTime}), so that a step of the wall
     *               clock cannot stretch them
     */
    Introspector(IntrospectionConfig config, Clock clock, Ticker ticker) {
        this.config = config;
        this.clock = clock;
        this.endpoint = URI.create(config.introspectionUrl());
        this.basicAuthorization = config.clientAuth() == IntrospectionConfig.ClientAuth.BASIC
                ? "Basic " + Base64.getEncoder().encodeToString((form(config.clientId()) + ":"
                + form(config.clientSecret())).getBytes(StandardCharsets.UTF_8))
                : null;
        this.client = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.cache = Caffeine.newBuilder()
                .maximumSize(config.maximumEntries())
                .expireAfter(Expiry.creating((String key, Answer answer) -> lifetime(answer)))
                .ticker(ticker)
                .executor(Runnable::run)
                .buildAsync();
        this.calls = new Semaphore(config.maxConcurrentCalls());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.tokenHashKey = new SecretKeySpec(key, "HmacSHA256");
    }

    /**
     * A call's outcome: the token's information, or why the endpoint could not be used. A failure is a value, not
     * a failed future, so that it reaches every request waiting on the call without Caffeine logging a stack trace
     * for each; it is never cached (its lifetime is zero).
     */
    private record Answer(TokenInfo info, String failure) {
    }

    /** The introspection endpoint could not be used; the message says why, without the token or the secret. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * What the authorization server says about a token: from the cache, from a call in flight for the same token,
     * or from a new call.
     *
     * @param token the bearer token
     * @return the answer
     * @throws Unavailable          if the endpoint could not be reached in time, refused the gateway, or answered
     *                              something other than an introspection response
     * @throws InterruptedException if the request's thread was interrupted while waiting
     */
    TokenInfo introspect(String token) throws Unavailable, InterruptedException {
        Answer answer;
        try {
            answer = cache.get(cacheKey(token), (key, unused) -> call(token)).get();
        } catch (ExecutionException e) {
            throw new Unavailable(IntrospectionFailure.reason(e.getCause(), config.timeout()));   // calls don't fail
        }
        if (answer.failure() != null) {
            throw new Unavailable(answer.failure());
        }
        return answer.info();
    }

    /** @return the time the cache, expiries and {@code exp} checks go by */
    Instant now() {
        return clock.instant();
    }

    /** @return the cache keys, for tests: they must not be or hold the tokens */
    Set<String> cacheKeys() {
        return Set.copyOf(cache.asMap().keySet());
    }

    /** @return how many answers are cached, after pending evictions ran; for tests */
    long cachedAnswers() {
        cache.synchronous().cleanUp();
        return cache.synchronous().estimatedSize();
    }

    private CompletableFuture<Answer> call(String token) {
        if (!calls.tryAcquire()) {
            return CompletableFuture.completedFuture(new Answer(null, "too many introspection calls in flight (at "
                    + "most " + config.maxConcurrentCalls() + ", max_concurrent_calls)"));
        }
        CompletableFuture<HttpResponse<byte[]>> exchange;
        try {
            exchange = client.sendAsync(request(token), info -> LimitedBody.of(MAX_ANSWER_BYTES));
        } catch (RuntimeException e) {
            calls.release();
            return CompletableFuture.completedFuture(failed(e));
        }
        CompletableFuture<TokenInfo> read = exchange.thenApply(this::read);
        read.orTimeout(config.timeout().toNanos(), TimeUnit.NANOSECONDS);
        return read.handle((info, failure) -> {
            calls.release();
            if (failure != null) {
                exchange.cancel(true);
                return failed(failure);
            }
            return new Answer(info, null);
        });
    }

    private Answer failed(Throwable failure) {
        return new Answer(null, IntrospectionFailure.reason(failure, config.timeout()));
    }

    private HttpRequest request(String token) {
        StringBuilder form = new StringBuilder("token=").append(form(token));
        if (!config.tokenTypeHint().isEmpty()) {
            form.append("&token_type_hint=").append(form(config.tokenTypeHint()));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(config.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (basicAuthorization != null) {
            request.header("Authorization", basicAuthorization);
        } else {
            form.append("&client_id=").append(form(config.clientId()))
                    .append("&client_secret=").append(form(config.clientSecret()));
        }
        return request.POST(HttpRequest.BodyPublishers.ofString(form.toString(), StandardCharsets.UTF_8)).build();
    }

    private TokenInfo read(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new IntrospectionFailure("the endpoint refused the gateway's client credentials (HTTP " + status
                    + "): check client_id, client_secret and client_auth");
        }
        if (status != 200) {
            throw new IntrospectionFailure("the endpoint answered HTTP " + status);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IntrospectionFailure("the endpoint's answer is not JSON");
        }
        try {
            return TokenInfo.from(answer, config);
        } catch (TokenInfo.MalformedAnswer e) {
            throw new IntrospectionFailure("the endpoint's answer is not an introspection response: "
                    + e.getMessage());
        }
    }

    /**
     * Active and unexpired: up to {@code cache_ttl}, never past {@code exp}; refused: {@code negative_cache_ttl};
     * a failed call: not at all.
     */
    private Duration lifetime(Answer answer) {
        if (answer.failure() != null) {
            return Duration.ZERO;
        }
        TokenInfo info = answer.info();
        Instant now = clock.instant();
        if (!info.usableAt(now)) {
            return config.negativeCacheTtl();
        }
        if (info.expiresAt() == null) {
            return config.cacheTtl();
        }
        Duration untilExpiry = Duration.between(now, info.expiresAt());
        return untilExpiry.compareTo(config.cacheTtl()) < 0 ? untilExpiry : config.cacheTtl();
    }

    private String cacheKey(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(tokenHashKey);
            return HexFormat.of().formatHex(mac.doFinal(token.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Drops the cached answers and stops the HTTP client at once: no generation uses this any more. */
    @Override
    public void close() {
        cache.synchronous().invalidateAll();
        client.shutdownNow();
        executor.shutdownNow();
    }
}
