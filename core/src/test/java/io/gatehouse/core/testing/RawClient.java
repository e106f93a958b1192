package io.gatehouse.core.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A client on a plain socket, to send the gateway bytes no HTTP client library would, and read back exactly what
 * it answered. Reads wait at most 10 seconds, so a hang fails the test instead of blocking it.
 */
public final class RawClient implements AutoCloseable {

    /** A response as read off the wire. */
    public record RawResponse(String version, int status, List<String> headerLines, byte[] body) {

        /** The first value of a header (case-insensitive), or {@code null}. */
        public String header(String name) {
            return headers(name).stream().findFirst().orElse(null);
        }

        public List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (String line : headerLines) {
                if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                    values.add(line.substring(name.length() + 1).trim());
                }
            }
            return values;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    public static RawClient connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        return new RawClient(socket);
    }

    public static RawClient connect(URI anyGatewayUri) throws IOException {
        return connect(anyGatewayUri.getPort());
    }

    public RawClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawClient send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /**
     * Reads one response; interim (1xx) responses are returned like any other. A body that ends before its
     * Content-Length is an {@link IOException}: it must never look complete.
     */
    public RawResponse read() throws IOException {
        return read(false, false);
    }

    /** Reads one response whose body is expected to be cut off: returns the bytes that came before the close. */
    public RawResponse readCutOff() throws IOException {
        return read(false, true);
    }

    /** Reads one response to a HEAD request (no body whatever its headers say). */
    public RawResponse readHead() throws IOException {
        return read(true, false);
    }

    private RawResponse read(boolean head, boolean cutOff) throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        String[] parts = statusLine.split(" ", 3);
        List<String> lines = new ArrayList<>();
        for (String line; !(line = readLine()).isEmpty(); ) {
            lines.add(line);
        }
        RawResponse bare = new RawResponse(parts[0], Integer.parseInt(parts[1]), lines, new byte[0]);
        int status = bare.status();
        if (head || status < 200 || status == 204 || status == 304) {
            return bare;
        }
        String te = bare.header("Transfer-Encoding");
        String length = bare.header("Content-Length");
        byte[] body;
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = readChunked();
        } else if (length != null) {
            int declared = Integer.parseInt(length);
            body = in.readNBytes(declared);
            if (body.length < declared && !cutOff) {
                throw new IOException("connection closed after " + body.length + " of " + declared + " body bytes");
            }
        } else {
            body = in.readAllBytes();
        }
        return new RawResponse(parts[0], status, lines, body);
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new IOException("connection closed in the middle of a chunked body");
            }
            int size = Integer.parseInt(line.split(";")[0].trim(), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine();
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != -1; ) {
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
        return line.isEmpty() ? null : line.toString();
    }

    /**
     * Whether the gateway closed the connection: the next read ends (or is reset) within 10 seconds with no byte.
     * Bytes that arrive instead are a failure of the caller's expectation and are returned in the exception.
     */
    public boolean closedByPeer() throws IOException {
        try {
            int b = in.read();
            if (b == -1) {
                return true;
            }
            byte[] more = in.readNBytes(Math.min(in.available(), 4096));
            throw new AssertionError("expected the connection to be closed, got: "
                    + (char) b + new String(more, StandardCharsets.ISO_8859_1));
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    /** Everything the gateway sends until it closes the connection. */
    public String readUntilClose() throws IOException {
        try {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketException e) {
            return "";
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
