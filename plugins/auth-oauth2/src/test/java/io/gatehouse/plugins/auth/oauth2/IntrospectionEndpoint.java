package io.gatehouse.plugins.auth.oauth2;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An RFC 7662 token introspection endpoint on a loopback port, for tests: {@code POST /introspect} with a
 * form-encoded {@code token} (and optional {@code token_type_hint}), the client authenticated by HTTP Basic
 * (RFC 6749 §2.3.1: id and secret form-encoded, then Base64) or by {@code client_id}/{@code client_secret} form
 * fields, never both. Wrong or missing client credentials get 401 {@code invalid_client}; a token it was told about
 * gets its claims with {@code "active": true}, any other {@code {"active": false}}.
 *
 * <p>Knobs for failure tests: {@link #hold()} makes calls wait until {@link #release()}; {@link #answer} replaces
 * every answer with a fixed status and body.
 */
final class IntrospectionEndpoint implements AutoCloseable {

    /** One call as the endpoint saw it. */
    record Call(String clientAuth, Map<String, String> form) {
    }

    private final String clientId;
    private final String clientSecret;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, String> activeTokens = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
    private volatile CountDownLatch gate;
    private volatile int fixedStatus;
    private volatile String fixedBody;

    private IntrospectionEndpoint(String clientId, String clientSecret) throws IOException {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/introspect", this::handle);
    }

    static IntrospectionEndpoint start(String clientId, String clientSecret) throws IOException {
        IntrospectionEndpoint endpoint = new IntrospectionEndpoint(clientId, clientSecret);
        endpoint.server.start();
        return endpoint;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/introspect";
    }

    /** The endpoint vouches for {@code token}: its answer is {@code {"active": true, <claims>}}. */
    IntrospectionEndpoint active(String token, String claimsJson) {
        activeTokens.put(token, claimsJson);
        return this;
    }

    /** The endpoint forgets {@code token} (revoked): its answer becomes {@code {"active": false}}. */
    void revoke(String token) {
        activeTokens.remove(token);
    }

    /** @return the requests the endpoint got so far, whatever came of them */
    int calls() {
        return requests.get();
    }

    /** @return what each call carried */
    List<Call> received() {
        return List.copyOf(calls);
    }

    /** From now on every call waits until {@link #release()}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    /** Lets held calls (and later ones) answer. */
    void release() {
        CountDownLatch held = gate;
        gate = null;
        if (held != null) {
            held.countDown();
        }
    }

    /** From now on every call is answered with this status and body, whatever it asked; status 0 undoes it. */
    void answer(int status, String body) {
        fixedBody = body;
        fixedStatus = status;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            byte[] raw = exchange.getRequestBody().readAllBytes();
            CountDownLatch held = gate;
            if (held != null && !held.await(30, TimeUnit.SECONDS)) {
                throw new IOException("held for 30 s");
            }
            if (fixedStatus != 0) {
                send(exchange, fixedStatus, fixedBody);
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod()) || !exchange.getRequestHeaders()
                    .getFirst("Content-Type").startsWith("application/x-www-form-urlencoded")) {
                send(exchange, 400, "{\"error\":\"invalid_request\"}");
                return;
            }
            Map<String, String> form = form(new String(raw, StandardCharsets.UTF_8));
            String clientAuth = authenticate(exchange.getRequestHeaders().getFirst("Authorization"), form);
            calls.add(new Call(clientAuth, form));
            if (clientAuth == null) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"introspection\"");
                send(exchange, 401, "{\"error\":\"invalid_client\"}");
            } else if (form.get("token") == null) {
                send(exchange, 400, "{\"error\":\"invalid_request\"}");
            } else {
                String claims = activeTokens.get(form.get("token"));
                send(exchange, 200, claims == null ? "{\"active\":false}"
                        : "{\"active\":true" + (claims.isBlank() ? "" : "," + claims) + "}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return {@code basic} or {@code body} for good client credentials given one way, else {@code null} */
    private String authenticate(String authorization, Map<String, String> form) {
        boolean inBody = form.containsKey("client_id") || form.containsKey("client_secret");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            if (inBody) {
                return null;    // RFC 6749 §2.3: one method per request
            }
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = pair.indexOf(':');
            return colon > 0 && clientId.equals(decode(pair.substring(0, colon)))
                    && clientSecret.equals(decode(pair.substring(colon + 1))) ? "basic" : null;
        }
        return inBody && clientId.equals(form.get("client_id")) && clientSecret.equals(form.get("client_secret"))
                ? "body" : null;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        return form;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Waits (up to 20 s) until at least {@code count} calls have arrived. */
    void awaitCalls(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (requests.get() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " introspection calls, got " + requests.get());
            }
            Thread.sleep(5);
        }
    }

    /** Stops the endpoint (its port then refuses connections); closing twice is harmless. */
    @Override
    public void close() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
