package io.gatehouse.plugins.auth.apikey;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** An upstream on a loopback port that answers 200 and records every request it received, as it received it. */
final class RecordingUpstream implements AutoCloseable {

    /** One request: the raw query and the headers, names in lower case. */
    record Received(String path, String rawQuery, Map<String, List<String>> headers) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : String.join(",", values);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private RecordingUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
            exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
                    headers));
            byte[] body = "upstream ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    static RecordingUpstream start() throws IOException {
        return new RecordingUpstream();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int count() {
        return received.size();
    }

    Received last() {
        return received.getLast();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
