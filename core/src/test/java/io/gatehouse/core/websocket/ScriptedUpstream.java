package io.gatehouse.core.websocket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An upstream on raw sockets that answers a WebSocket handshake the way its path says, including ways no real
 * server should: refusing with a body, a wrong {@code Sec-WebSocket-Accept}, an extension nobody offered, dying
 * right after the {@code 101}. It records every request head and every frame it received after its answer.
 */
final class ScriptedUpstream implements AutoCloseable {

    private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)");

    final List<String> heads = new CopyOnWriteArrayList<>();
    final List<RawWebSocket.Frame> frames = new CopyOnWriteArrayList<>();
    /** Bytes that arrived on a connection after a refusal (nothing may be tunnelled after one). */
    final List<Integer> bytesAfterRefusal = new CopyOnWriteArrayList<>();
    private final ServerSocket server;

    ScriptedUpstream() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (RawWebSocket peer = new RawWebSocket(socket)) {
            String head = peer.readHead();
            heads.add(head);
            Matcher key = KEY.matcher(head);
            String accept = key.find() ? Handshake.accept(key.group(1)) : "";
            String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
            String switched = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
            switch (path) {
                case "/deny" -> {
                    peer.send("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nno way");
                    int b;
                    while ((b = socket.getInputStream().read()) >= 0) {
                        bytesAfterRefusal.add(b);
                    }
                }
                case "/badaccept" -> peer.send(switched + "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n");
                case "/ext" -> peer.send(switched + "Sec-WebSocket-Accept: " + accept
                        + "\r\nSec-WebSocket-Extensions: x-nobody-offered\r\n\r\n");
                case "/die" -> {
                    peer.send(switched + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n");
                    frames.add(peer.readFrame());
                    socket.setSoLinger(true, 0); // a reset, as a crashed process leaves it
                }
                case "/deflate" -> {
                    peer.send(switched + "Sec-WebSocket-Accept: " + accept
                            + "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n");
                    // "Hello" compressed (RFC 7692 §7.2.3.1), RSV1 set on the message's only frame
                    peer.send(RawWebSocket.frame(0xC1, new byte[] {(byte) 0xf2, 0x48, (byte) 0xcd, (byte) 0xc9,
                            (byte) 0xc9, 0x07, 0x00}, false));
                    while (true) {
                        RawWebSocket.Frame frame = peer.readFrame();
                        frames.add(frame);
                        if (frame.opcode() == 8) {
                            peer.send(RawWebSocket.close(frame.closeCode(), frame.closeReason(), false));
                            return;
                        }
                    }
                }
                default -> peer.send("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            }
        } catch (IOException e) {
            // the test decides what a broken connection means
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
