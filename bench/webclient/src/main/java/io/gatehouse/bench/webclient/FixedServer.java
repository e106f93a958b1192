package io.gatehouse.bench.webclient;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A keep-alive HTTP/1.1 server on plain sockets that answers every request with the same 200 response. No Helidon:
 * the same server serves every client and Helidon version under test. It reads request bodies (Content-Length or
 * chunked) and keeps what a POST sent, exactly as it arrived, for the upload check.
 *
 * <p>{@code java ... FixedServer PORT BODY_BYTES} runs it on its own (port 0: any free port) and prints
 * {@code listening on PORT}.
 */
public final class FixedServer implements AutoCloseable {

    /** A POST as the server received it: its header names are lower case. */
    public record Received(String requestLine, Map<String, String> headers, byte[] body) {
    }

    private final ServerSocket listener;
    private final byte[] response;
    private final Queue<Received> posts = new ConcurrentLinkedQueue<>();

    private FixedServer(ServerSocket listener, byte[] response) {
        this.listener = listener;
        this.response = response;
    }

    /** Starts a server on {@code port} (0: any) whose responses carry a body of {@code bodyBytes} bytes. */
    public static FixedServer start(int port, int bodyBytes) throws IOException {
        byte[] body = new byte[bodyBytes];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + bodyBytes + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] response = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, response, head.length, body.length);
        FixedServer server = new FixedServer(new ServerSocket(port, 1024, InetAddress.getLoopbackAddress()), response);
        Thread.ofPlatform().daemon().name("fixed-server-accept").start(server::accept);
        return server;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The POST requests received so far, oldest first. */
    public Queue<Received> posts() {
        return posts;
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                socket.setTcpNoDelay(true);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            RequestReader in = new RequestReader(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            String head;
            while ((head = in.head()) != null) {
                String[] lines = head.split("\r\n");
                Map<String, String> headers = new LinkedHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
                byte[] body = in.body(headers);
                if (lines[0].startsWith("POST ")) {
                    posts.add(new Received(lines[0], headers, body));
                }
                out.write(response);
            }
        } catch (SocketException | EOFException e) {
            // the client went away
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Buffered reading of request heads and bodies from one connection. */
    private static final class RequestReader {
        private final InputStream in;
        private final byte[] buffer = new byte[16 * 1024];
        private int position;
        private int limit;

        RequestReader(InputStream in) {
            this.in = in;
        }

        /** The next request head without its final empty line, or {@code null} at the end of the stream. */
        String head() throws IOException {
            while (true) {
                for (int i = position; i + 3 < limit; i++) {
                    if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n') {
                        String head = new String(buffer, position, i - position, StandardCharsets.ISO_8859_1);
                        position = i + 4;
                        return head;
                    }
                }
                if (!fill()) {
                    if (position == limit) {
                        return null;
                    }
                    throw new EOFException("connection closed in a request head");
                }
            }
        }

        byte[] body(Map<String, String> headers) throws IOException {
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                for (int size; (size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
                    body.write(bytes(size));
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            String length = headers.get("content-length");
            return length == null ? new byte[0] : bytes(Integer.parseInt(length));
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b; (b = read()) != '\n'; ) {
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        private byte[] bytes(int count) throws IOException {
            byte[] bytes = new byte[count];
            for (int done = 0; done < count; ) {
                if (position == limit && !fill()) {
                    throw new EOFException("connection closed in a request body");
                }
                int n = Math.min(count - done, limit - position);
                System.arraycopy(buffer, position, bytes, done, n);
                position += n;
                done += n;
            }
            return bytes;
        }

        private int read() throws IOException {
            if (position == limit && !fill()) {
                throw new EOFException("connection closed in a request body");
            }
            return buffer[position++] & 0xFF;
        }

        /** Reads more bytes, moving unread ones to the front first; false at the end of the stream. */
        private boolean fill() throws IOException {
            if (position > 0) {
                System.arraycopy(buffer, position, buffer, 0, limit - position);
                limit -= position;
                position = 0;
            }
            if (limit == buffer.length) {
                throw new IOException("request head larger than " + buffer.length + " bytes");
            }
            int n = in.read(buffer, limit, buffer.length - limit);
            if (n < 0) {
                return false;
            }
            limit += n;
            return true;
        }
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int bodyBytes = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        FixedServer server = start(port, bodyBytes);
        System.out.println("listening on " + server.port());
        Thread.currentThread().join();
    }
}
