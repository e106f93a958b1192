package io.gatehouse.api.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.api.Body;
import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP/1.1 upstream on a free loopback port, and a way to run a {@link Filter} in front of it: the chain
 * the filter gets sends the request over a socket to this upstream, so a test sees what the client got and what
 * the upstream received, headers and bodies as they went over the wire.
 *
 * <pre>{@code
 * try (TestUpstream upstream = TestUpstream.start(received -> Response.text(200, "hi"))) {
 *     TestUpstream.Result result = upstream.run(filter, TestExchange.get("/x"));
 *     assertEquals(200, result.status());
 *     assertEquals("1", result.received().getFirst().headers().first("X-A").orElseThrow());
 * }
 * }</pre>
 *
 * This is not the gateway's proxy: it sends the request as the filter left it, without the gateway's
 * hop-by-hop and forwarding headers, and the JDK's HTTP client sets {@code Host}, {@code Content-Length},
 * {@code Connection}, {@code Expect} and {@code Upgrade} itself (a filter's values for those are not sent).
 * The response body is buffered. Thread-safe; {@link #close()} stops the upstream.
 *
 * @since 1.5.0
 */
public final class TestUpstream implements AutoCloseable {

    /** Headers the JDK's HTTP client refuses to take from the caller. */
    private static final Set<String> CLIENT_SET = Set.of("host", "content-length", "connection", "expect", "upgrade");

    /** What the upstream answers with. */
    @FunctionalInterface
    public interface Responder {
        /**
         * @param received the request as the upstream received it
         * @return the response to send back, never {@code null}; its body is read to the end and closed
         * @throws Exception to answer 500 with the exception's text
         */
        Response respond(Received received) throws Exception;
    }

    /**
     * A request as the upstream received it.
     *
     * @param method   the method
     * @param path     the raw path
     * @param rawQuery the raw query, without {@code ?}; {@code null} if there was none
     * @param headers  the headers, including those the HTTP client set
     * @param body     the body's bytes; empty if there was none
     */
    public record Received(String method, String path, String rawQuery, Headers headers, byte[] body) {
        /** @return the body as UTF-8 text */
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * What a {@link #run} ended with.
     *
     * @param status   the status the client got
     * @param headers  the response headers the client got
     * @param body     the response body the client got, as UTF-8 text
     * @param received what the upstream received during the run, in order: empty if the filter answered itself
     */
    public record Result(int status, Headers headers, String body, List<Received> received) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final Responder responder;
    private final List<Received> received = new ArrayList<>();

    private TestUpstream(HttpServer server, ExecutorService executor, Responder responder) {
        this.server = server;
        this.executor = executor;
        this.responder = responder;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * Starts an upstream on {@code 127.0.0.1} and a free port.
     *
     * @param responder makes the answer to each request
     * @return the started upstream; close it
     * @throws UncheckedIOException if no socket could be opened
     */
    public static TestUpstream start(Responder responder) {
        Objects.requireNonNull(responder, "responder");
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            TestUpstream upstream = new TestUpstream(server, executor, responder);
            server.createContext("/", upstream::handle);
            server.setExecutor(executor);
            server.start();
            return upstream;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a test upstream", e);
        }
    }

    /** @return the upstream's base URI, e.g. {@code http://127.0.0.1:41234} */
    public URI uri() {
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
    }

    /**
     * Runs {@code filter} on {@code exchange} with a chain that sends the request to this upstream, and reads the
     * response the filter returned to the end, as the client would.
     *
     * @param filter   the filter under test
     * @param exchange the exchange, e.g. from {@link TestExchange#builder()}
     * @return what the client got and what the upstream received
     * @throws Exception whatever the filter throws, e.g. a {@link io.gatehouse.api.GatewayException}
     */
    public Result run(Filter filter, Exchange exchange) throws Exception {
        int before = receivedCount();
        Response response = filter.filter(exchange, this::send);
        if (response == null) {
            throw new IllegalStateException("the filter returned null");
        }
        String body;
        try (Body b = response.body()) {
            body = b == null ? "" : new String(b.stream().readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Received> during;
        synchronized (received) {
            during = List.copyOf(received.subList(before, received.size()));
        }
        return new Result(response.status(), response.headers().copy(), body, during);
    }

    /** @return everything the upstream received since it started, in order; a snapshot */
    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** The chain's one step: the request as the filter left it, over a socket. */
    private Response send(Exchange exchange) throws Exception {
        Request request = exchange.request();
        String target = request.path() + (request.rawQuery() == null ? "" : "?" + request.rawQuery());
        byte[] body;
        try (Body b = request.body()) {
            body = b == null ? new byte[0] : b.stream().readAllBytes();
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri().resolve(target)).timeout(Duration.ofSeconds(30))
                .method(request.method(), body.length == 0
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        request.headers().forEach((name, value) -> {
            if (!CLIENT_SET.contains(name.toLowerCase(Locale.ROOT))) {
                builder.header(name, value);
            }
        });
        HttpResponse<byte[]> answer = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        Headers headers = new Headers();
        answer.headers().map().forEach((name, values) -> {
            if (!name.startsWith(":")) {
                values.forEach(value -> headers.add(name, value));
            }
        });
        return new Response(answer.statusCode(), headers, Body.of(answer.body()));
    }

    private void handle(HttpExchange http) throws IOException {
        try (http; InputStream in = http.getRequestBody()) {
            Headers headers = new Headers();
            http.getRequestHeaders().forEach((name, values) -> values.forEach(value -> headers.add(name, value)));
            URI uri = http.getRequestURI();
            Received request = new Received(http.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(), headers,
                    in.readAllBytes());
            synchronized (received) {
                received.add(request);
            }
            int status;
            byte[] bytes;
            Headers answerHeaders;
            try {
                Response response = Objects.requireNonNull(responder.respond(request), "the responder returned null");
                status = response.status();
                answerHeaders = response.headers();
                try (Body b = response.body()) {
                    bytes = b == null ? new byte[0] : b.stream().readAllBytes();
                }
            } catch (Exception e) {
                status = 500;
                answerHeaders = Headers.of("Content-Type", "text/plain; charset=utf-8");
                bytes = e.toString().getBytes(StandardCharsets.UTF_8);
            }
            answerHeaders.forEach((name, value) -> {
                if (!"content-length".equalsIgnoreCase(name) && !"transfer-encoding".equalsIgnoreCase(name)) {
                    http.getResponseHeaders().add(name, value);
                }
            });
            http.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = http.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    private int receivedCount() {
        synchronized (received) {
            return received.size();
        }
    }

    /** Stops the upstream and its threads. */
    @Override
    public void close() {
        server.stop(0);
        executor.close();
        client.close();
    }
}
