package io.gatehouse.core.websocket;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backend: echoes every message fragment as it comes, answers pings, picks the subprotocol {@code chat}
 * when offered, closes with 4001 when told {@code close-me}; it reports handshakes and closes to
 * {@code heard}.
 */
final class Echo implements WsListener {

    private final BlockingQueue<String> heard;
    private final AtomicInteger handshakes;

    Echo(BlockingQueue<String> heard, AtomicInteger handshakes) {
        this.heard = heard;
        this.handshakes = handshakes;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
        handshakes.incrementAndGet();
        boolean chat = headers.contains(HeaderNames.create("Sec-WebSocket-Protocol"))
                && headers.get(HeaderNames.create("Sec-WebSocket-Protocol")).allValues().stream()
                .anyMatch(value -> List.of(value.split("\\s*,\\s*")).contains("chat"));
        heard.add("handshake " + prologue.uriPath().path() + (chat ? " protocol=chat" : ""));
        if (!chat) {
            return Optional.empty();
        }
        WritableHeaders<?> answer = WritableHeaders.create();
        answer.set(HeaderNames.create("Sec-WebSocket-Protocol"), "chat");
        return Optional.of(answer);
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        if (text.equals("close-me")) {
            session.close(4001, "server says bye");
        } else {
            session.send(text, last);
        }
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        session.send(BufferData.create(buffer.readBytes()), last);
    }

    @Override
    public void onPing(WsSession session, BufferData buffer) {
        session.pong(BufferData.create(buffer.readBytes()));
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        heard.add("close " + status + " " + reason);
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        heard.add("error " + t);
    }
}
