package io.gatehouse.core.websocket;

import io.gatehouse.core.testing.GatewayFixture;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** A JDK WebSocket client that queues what it receives: whole messages, pongs and the close. */
final class JdkClient implements WebSocket.Listener {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** A pong, with its payload as text. */
    record Pong(String text) {
    }

    /** The close frame that ended the connection. */
    record Closed(int code, String reason) {
    }

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private StringBuilder text = new StringBuilder();
    private ByteArrayOutputStream binary = new ByteArrayOutputStream();
    WebSocket ws;

    static JdkClient open(GatewayFixture gateway, String path, String... subprotocols) throws Exception {
        return open(gateway, path, subprotocols, new String[0]);
    }

    static JdkClient open(GatewayFixture gateway, String path, String[] subprotocols, String... headers)
            throws Exception {
        JdkClient client = new JdkClient();
        WebSocket.Builder builder = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1,
                    subprotocols.length));
        }
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        URI uri = URI.create(gateway.uri(path).toString().replaceFirst("^http", "ws"));
        client.ws = builder.buildAsync(uri, client).get(20, TimeUnit.SECONDS);
        return client;
    }

    Object next() throws InterruptedException {
        Object event = events.poll(20, TimeUnit.SECONDS);
        if (event == null) {
            fail("nothing arrived within 20 s");
        }
        return event;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            events.add(text.toString());
            text = new StringBuilder();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        binary.writeBytes(bytes);
        if (last) {
            events.add(binary.toByteArray());
            binary = new ByteArrayOutputStream();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        events.add(new Pong(StandardCharsets.UTF_8.decode(message).toString()));
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        events.add(new Closed(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        events.add(error);
    }
}
