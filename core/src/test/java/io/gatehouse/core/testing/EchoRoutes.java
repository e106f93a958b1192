package io.gatehouse.core.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Backend routes the proxy tests use: echo the request, count and checksum an upload, stream a download of a
 * given size (fixed length or chunked), set several cookies, answer slowly.
 */
public final class EchoRoutes {

    public static final ObjectMapper JSON = new ObjectMapper();

    private EchoRoutes() {
    }

    public static void register(HttpRouting.Builder routing) {
        routing.any("/upload", EchoRoutes::upload)
                .get("/download", EchoRoutes::download)
                .get("/cookies", (req, res) -> {
                    res.header(HeaderNames.SET_COOKIE, "a=1; Path=/", "b=2; Path=/; HttpOnly");
                    res.send("cookies");
                })
                .get("/slow", (req, res) -> {
                    Thread.sleep(3000);
                    res.send("slow");
                })
                .any(EchoRoutes::echo);
    }

    static void echo(ServerRequest req, ServerResponse res) throws IOException {
        Map<String, Object> echo = new LinkedHashMap<>();
        echo.put("method", req.prologue().method().text());
        echo.put("path", req.path().rawPath());
        echo.put("query", req.query().rawValue());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header header : req.headers()) {
            headers.put(header.name().toLowerCase(java.util.Locale.ROOT), new ArrayList<>(header.allValues()));
        }
        echo.put("headers", headers);
        byte[] body = req.content().hasEntity() ? req.content().inputStream().readAllBytes() : new byte[0];
        echo.put("body", new String(body, java.nio.charset.StandardCharsets.UTF_8));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(JSON.writeValueAsBytes(echo));
    }

    static void upload(ServerRequest req, ServerResponse res) throws IOException {
        CRC32 crc = new CRC32();
        long total = 0;
        try (InputStream in = req.content().inputStream()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) != -1; ) {
                crc.update(buffer, 0, n);
                total += n;
            }
        }
        res.send(total + ":" + Long.toHexString(crc.getValue())
                + ":" + req.headers().contentLength().isPresent());
    }

    static void download(ServerRequest req, ServerResponse res) throws IOException {
        long size = Long.parseLong(req.query().get("size"));
        boolean chunked = req.query().contains("chunked");
        if (!chunked) {
            res.contentLength(size);
        }
        try (OutputStream out = res.outputStream()) {
            writePattern(out, size);
        }
    }

    /** Writes {@code size} bytes of a repeating pattern (byte i = i % 251). */
    public static void writePattern(OutputStream out, long size) throws IOException {
        byte[] block = new byte[251 * 256];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i % 251);
        }
        long left = size;
        while (left > 0) {
            int n = (int) Math.min(left, block.length);
            out.write(block, 0, n);
            left -= n;
        }
    }

    /** The CRC32 of {@code size} bytes of the pattern. */
    public static String patternCrc(long size) {
        CRC32 crc = new CRC32();
        try {
            writePattern(new OutputStream() {
                @Override
                public void write(int b) {
                    crc.update(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    crc.update(b, off, len);
                }
            }, size);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return Long.toHexString(crc.getValue());
    }

    /** An input stream of {@code size} pattern bytes, generated on the fly. */
    public static InputStream patternStream(long size) {
        return new InputStream() {
            private long position;

            @Override
            public int read() {
                return position < size ? (int) (position++ % 251) : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - position);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) ((position + i) % 251);
                }
                position += n;
                return n;
            }
        };
    }
}
