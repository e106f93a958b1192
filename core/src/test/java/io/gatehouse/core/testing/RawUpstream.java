package io.gatehouse.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A raw-socket HTTP/1.1 upstream for framing and fault tests: it records exactly the bytes each connection received,
 * parses the requests in them (head, then a body by Content-Length or chunked), and answers each with the bytes a
 * test scripts, however malformed, then optionally misbehaves (resets the connection, trickles, stops reading).
 * Tests assert on what it received, including nothing at all, and on how many of its connections are still open.
 */
public final class RawUpstream implements AutoCloseable {

    /** A request as received: its head (request line and headers, without the final empty line) and body. */
    public record Received(int connection, String head, byte[] body) {

        public String requestLine() {
            return head.lines().findFirst().orElse("");
        }

        /** The first value of a header (case-insensitive), or {@code null}. */
        public String header(String name) {
            return head.lines().skip(1)
                    .filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                    .map(line -> line.substring(name.length() + 1).trim())
                    .findFirst().orElse(null);
        }

        /** Every line of a header (name in any case), as "Name: value" with the name as it was written. */
        public java.util.List<String> headerLines(String name) {
            return head.lines().skip(1)
                    .filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                    .toList();
        }

        public String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /** What the upstream does after writing a reply's bytes; the connection is closed when it returns. */
    @FunctionalInterface
    public interface Then {
        void run(Socket socket, InputStream in, OutputStream out) throws IOException, InterruptedException;
    }

    /**
     * What to answer: the exact bytes, whether to close the connection after them, and what to do then instead of
     * reading the next request ({@code null}: nothing).
     */
    public record Reply(byte[] bytes, boolean close, Then then) {

        public Reply(byte[] bytes, boolean close) {
            this(bytes, close, null);
        }

        public static Reply of(String text) {
            return new Reply(text.getBytes(StandardCharsets.ISO_8859_1), false);
        }

        public static Reply thenClose(String text) {
            return new Reply(text.getBytes(StandardCharsets.ISO_8859_1), true);
        }

        /** A well-formed 200 with a fixed-length body. */
        public static Reply ok(String body) {
            return of("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        }

        /** The text, then a TCP reset (the connection closed with SO_LINGER 0) instead of an orderly close. */
        public static Reply thenReset(String text) {
            return then(text, (socket, in, out) -> {
                socket.setSoLinger(true, 0);
                socket.close();
            });
        }

        /** The text, then one more byte every {@code everyMillis}, for as long as the gateway keeps reading. */
        public static Reply trickle(String text, long everyMillis) {
            return then(text, (socket, in, out) -> {
                while (true) {
                    Thread.sleep(everyMillis);
                    out.write('x');
                    out.flush();
                }
            });
        }

        /** No answer at all: what arrives is read and dropped until the gateway closes the connection. */
        public static Reply silence() {
            return then("", (socket, in, out) -> in.transferTo(OutputStream.nullOutputStream()));
        }

        /**
         * No answer, and nothing more read: the connection stays open, its receive buffer fills and the gateway's
         * writes block, until this upstream is closed.
         */
        public static Reply stopReading() {
            return then("", (socket, in, out) -> {
                while (!socket.isClosed()) {
                    Thread.sleep(20);
                }
            });
        }

        private static Reply then(String text, Then then) {
            return new Reply(text.getBytes(StandardCharsets.ISO_8859_1), false, then);
        }
    }

    private final ServerSocket server;
    private final Function<Received, Reply> responder;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<ByteArrayOutputStream> raw = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Set<Integer> closed = ConcurrentHashMap.newKeySet();
    private final boolean readBodies;

    private RawUpstream(ServerSocket server, Function<Received, Reply> responder, boolean readBodies) {
        this.server = server;
        this.responder = responder;
        this.readBodies = readBodies;
    }

    public static RawUpstream start(Function<Received, Reply> responder) throws IOException {
        return start(responder, true);
    }

    /**
     * An upstream that answers as soon as it has read a request's head, without reading its body: with
     * {@link Reply#stopReading()}, one that never takes an upload.
     */
    public static RawUpstream startReadingHeadsOnly(Function<Received, Reply> responder) throws IOException {
        return start(responder, false);
    }

    private static RawUpstream start(Function<Received, Reply> responder, boolean readBodies) throws IOException {
        RawUpstream upstream = new RawUpstream(new ServerSocket(0, 512, InetAddress.getLoopbackAddress()), responder,
                readBodies);
        Thread.ofVirtual().start(upstream::accept);
        return upstream;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The requests received so far, in order. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Every byte received, over all connections, as ISO-8859-1 text. */
    public String rawText() {
        StringBuilder all = new StringBuilder();
        for (ByteArrayOutputStream bytes : raw) {
            synchronized (bytes) {
                all.append(bytes.toString(StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Connections accepted and not yet closed (by either side, as far as this upstream has noticed). */
    public int open() {
        return connections.get() - closed.size();
    }

    /** Whether a connection (as numbered in {@link Received#connection()}) is closed, by either side. */
    public boolean closed(int connection) {
        return closed.contains(connection);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                int id = connections.getAndIncrement();
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                raw.add(bytes);
                Thread.ofVirtual().start(() -> serve(id, socket, bytes));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(int id, Socket socket, ByteArrayOutputStream bytes) {
        try (socket) {
            Recording in = new Recording(socket.getInputStream(), bytes);
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                Received request = new Received(id, head, readBodies ? readBody(in, head) : new byte[0]);
                received.add(request);
                Reply reply = responder.apply(request);
                if (reply == null) {
                    return;
                }
                out.write(reply.bytes());
                out.flush();
                if (reply.then() != null) {
                    reply.then().run(socket, in, out);
                    return;
                }
                if (reply.close()) {
                    return;
                }
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            // the gateway closed or sent something unparseable: what arrived is recorded
        } finally {
            closed.add(id);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; (b = in.read()) != -1; ) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
            if (matched == 4) {
                String text = head.toString(StandardCharsets.ISO_8859_1);
                return text.substring(0, text.length() - 4);
            }
        }
        return null;
    }

    private static byte[] readBody(InputStream in, String head) throws IOException {
        Received probe = new Received(0, head, new byte[0]);
        String te = probe.header("Transfer-Encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String line = readLine(in);
                int semi = line.indexOf(';');
                int size = Integer.parseInt((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
                if (size == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailers
                    }
                    return body.toByteArray();
                }
                body.write(in.readNBytes(size));
                readLine(in);
            }
        }
        String length = probe.header("Content-Length");
        return length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != -1; ) {
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
        throw new IOException("connection closed in a line");
    }

    /** Copies every byte read into the connection's record. */
    private static final class Recording extends InputStream {
        private final InputStream in;
        private final ByteArrayOutputStream record;

        Recording(InputStream in, ByteArrayOutputStream record) {
            this.in = in;
            this.record = record;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                synchronized (record) {
                    record.write(b);
                }
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                synchronized (record) {
                    record.write(buffer, offset, n);
                }
            }
            return n;
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
