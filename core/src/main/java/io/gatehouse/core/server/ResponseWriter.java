package io.gatehouse.core.server;

import io.gatehouse.api.Body;
import io.gatehouse.api.Response;
import io.gatehouse.core.proxy.HopByHop;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Writes a gateway {@link Response} to Helidon: status, end-to-end headers, and the body streamed with its known
 * length or chunked. Small bodies of known length go out in one write.
 */
final class ResponseWriter {

    private static final int SMALL_BODY = 64 * 1024;
    private static final int BUFFER = 32 * 1024;

    private ResponseWriter() {
    }

    /**
     * @param bytes body bytes written
     * @param error what broke the body after the head was sent, or {@code null}
     */
    record Result(long bytes, Throwable error) {
    }

    static Result write(ServerResponse res, Response response, boolean head) {
        res.status(response.status());
        ServerResponseHeaders out = res.headers();
        response.headers().forEach((name, value) -> {
            if (!HopByHop.isHopByHop(name) && !name.equalsIgnoreCase("Content-Length")) {
                out.add(HeaderValues.create(HeaderNames.create(name), value));
            }
        });
        Body body = response.body();
        long length = body.length();
        if (head) {
            body.close();
            response.headers().first("Content-Length").ifPresent(v -> res.header(HeaderNames.CONTENT_LENGTH, v));
            res.send();
            return new Result(0, null);
        }
        if (length == 0) {
            body.close();
            res.send();
            return new Result(0, null);
        }
        if (length > 0 && length <= SMALL_BODY) {
            return sendSmall(res, body, (int) length);
        }
        return stream(res, body, length);
    }

    private static Result sendSmall(ServerResponse res, Body body, int length) {
        byte[] bytes;
        try (InputStream in = body.stream()) {
            bytes = in.readNBytes(length);
        } catch (IOException | RuntimeException e) {
            body.close();
            return new Result(0, e);
        }
        if (bytes.length < length) {
            // upstream promised more than it sent: nothing has gone out yet, so this can still be a clean error
            return new Result(0, new IOException("upstream closed after " + bytes.length + " of " + length
                    + " bytes"));
        }
        res.send(bytes);
        return new Result(bytes.length, null);
    }

    private static Result stream(ServerResponse res, Body body, long length) {
        if (length > 0) {
            res.contentLength(length);
        }
        long written = 0;
        OutputStream out = res.outputStream();
        try (InputStream in = body.stream()) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) != -1; ) {
                out.write(buffer, 0, n);
                written += n;
            }
            if (length > 0 && written != length) {
                throw new IOException("upstream sent " + written + " of " + length + " bytes");
            }
        } catch (IOException | RuntimeException e) {
            body.close();
            return new Result(written, e);
        }
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            return new Result(written, e);
        }
        return new Result(written, null);
    }
}
