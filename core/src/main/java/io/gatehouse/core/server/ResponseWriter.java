package io.gatehouse.core.server;

import io.gatehouse.api.Body;
import io.gatehouse.api.Response;
import io.gatehouse.core.wire.HeadBytes;
import io.gatehouse.core.proxy.HopByHop;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import io.helidon.http.DateTime;
import io.gatehouse.core.error.ReasonPhrases;
import io.helidon.http.Status;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Frames a gateway {@link Response} for the client, whatever framing it arrived with: end-to-end headers only,
 * then a body of known length with {@code Content-Length}, else chunked (HTTP/1.1) or delimited by closing the
 * connection (HTTP/1.0). Small bodies of known length go out in one write with the head.
 */
final class ResponseWriter {

    private static final int SMALL_BODY = 64 * 1024;
    private static final int BUFFER = 32 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final String[] STATUS_LINES = new String[600];

    private final DataWriter out;
    private final ConnectionWatchdog.Deadline deadline;
    private final long writeTimeoutNanos;
    private RuntimeException writeFailure;
    /** Each response's head (and a small body), written in the connection's own array. */
    private final HeadBytes head = new HeadBytes();
    /** The body of unknown length being streamed now, which {@link #endStream()} may end. */
    private volatile Body streaming;
    private volatile boolean ending;

    ResponseWriter(DataWriter out, ConnectionWatchdog.Deadline deadline, long writeTimeoutNanos) {
        this.out = out;
        this.deadline = deadline;
        this.writeTimeoutNanos = writeTimeoutNanos;
    }

    /**
     * @param bytes       body bytes written; -1 when the body failed before anything was written
     * @param error       what broke the response, or {@code null}
     * @param clientFault whether the error was writing to the client (else it was reading the response body)
     */
    record Result(long bytes, Throwable error, boolean clientFault) {

        static Result ok(long bytes) {
            return new Result(bytes, null, false);
        }
    }

    /** How a response is sent on this connection. */
    record Framing(boolean head, boolean http10, boolean close) {
    }

    /** Whether a response with this status to this method carries a body at all. */
    static boolean hasBody(int status, boolean head) {
        return !head && status >= 200 && status != 204 && status != 304;
    }

    Result write(Response response, Framing framing) {
        try {
            return writeResponse(response, framing);
        } finally {
            // every write above is synchronous: the array is free now, and one a large head or a small body grew
            // is let go at once rather than held (with that response's bytes) while the connection idles
            head.reset();
        }
    }

    private Result writeResponse(Response response, Framing framing) {
        Body body = response.body();
        int status = response.status();
        long length = body.length();
        HeadBytes head = this.head.reset().append(statusLine(status));
        response.headers().forEach((name, value) -> {
            if (!HopByHop.isHopByHop(name) && !name.equalsIgnoreCase("Content-Length")
                    && !name.equalsIgnoreCase("Date")) {
                head.field(name, value);
            }
        });
        head.field("Date", response.headers().first("Date").orElseGet(DateTime::rfc1123String));
        boolean withBody = hasBody(status, framing.head());
        if (framing.head() && status >= 200 && status != 204 && status != 304) {
            // the upstream's answer to HEAD declares the length of the GET it stands for; its body is empty
            String declared = response.headers().first("Content-Length")
                    .orElse(length >= 0 ? Long.toString(length) : null);
            if (declared != null) {
                head.field("Content-Length", declared);
            }
        } else if (withBody && length >= 0) {
            head.append("Content-Length: ").append(length).crlf();
        } else if (withBody && !framing.http10()) {
            head.append("Transfer-Encoding: chunked\r\n");
        }
        if (framing.close()) {
            head.append("Connection: close\r\n");
        } else if (framing.http10()) {
            head.append("Connection: keep-alive\r\n");
        }
        head.crlf();
        if (!withBody || length == 0) {
            body.close();
            return send(head.data(), 0);
        }
        if (length > 0 && length <= SMALL_BODY) {
            return sendSmall(head, body, (int) length);
        }
        return stream(head, body, length, length < 0 && !framing.http10());
    }

    /** The head and the whole body in one write. */
    private Result sendSmall(HeadBytes head, Body body, int length) {
        int read;
        try (InputStream in = body.stream()) {
            read = head.readFrom(in, length);
        } catch (IOException | RuntimeException e) {
            body.close();
            return new Result(-1, e, false);
        }
        if (read < length) {
            // the body promised more than it had: nothing has gone out yet, so this can still be a clean error
            return new Result(-1, new IOException("the response body ended after " + read + " of "
                    + length + " bytes"), false);
        }
        return send(head.data(), length);
    }

    /**
     * Ends the body of unknown length being streamed now (a server-sent event stream, say) as if its upstream had
     * ended it: the client gets the last chunk (or, for HTTP/1.0, the connection closes), and the upstream's
     * connection is closed. For a shutdown's drain deadline; safe to call from any thread.
     *
     * @return whether such a body was being streamed
     */
    boolean endStream() {
        Body body = streaming;
        if (body == null) {
            return false;
        }
        ending = true;
        body.close(); // a read waiting for the upstream fails (or ends) at once
        return true;
    }

    private Result stream(HeadBytes head, Body body, long length, boolean chunked) {
        long written = 0;
        try (InputStream in = body.stream()) {
            if (!writeNow(head.data())) {
                return clientGone(body, 0);
            }
            if (length < 0) {
                ending = false;
                streaming = body;
            }
            byte[] buffer = new byte[BUFFER];
            for (int n; !ending && (n = in.read(buffer)) != -1; ) {
                if (n == 0) {
                    continue;
                }
                if (length >= 0 && written + n > length) {
                    throw new IOException("the response body is longer than its length " + length);
                }
                if (!writeNow(chunked ? chunk(buffer, n) : BufferData.create(buffer, 0, n))) {
                    return clientGone(body, written);
                }
                written += n;
            }
            if (length >= 0 && written != length) {
                throw new IOException("the response body ended after " + written + " of " + length + " bytes");
            }
            if (chunked && !writeNow(BufferData.create(LAST_CHUNK))) {
                return clientGone(body, written);
            }
        } catch (IOException | RuntimeException e) {
            if (ending) {
                return endedEarly(written, chunked);
            }
            // reading the body failed: the upstream's doing (or a filter's stream)
            body.close();
            return new Result(written, e, false);
        } finally {
            streaming = null;
        }
        return Result.ok(written);
    }

    /** The stream was ended by {@link #endStream()}: ended as the upstream would have, when the client takes it. */
    private Result endedEarly(long written, boolean chunked) {
        if (chunked && !writeNow(BufferData.create(LAST_CHUNK))) {
            return new Result(written, writeFailure, true);
        }
        return Result.ok(written);
    }

    /** The client stopped taking the response: the rest of the body is abandoned (its upstream connection closed). */
    private Result clientGone(Body body, long written) {
        body.close();
        return new Result(written, writeFailure, true);
    }

    private static BufferData chunk(byte[] buffer, int n) {
        byte[] size = (Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        BufferData data = BufferData.create(size.length + n + 2);
        data.write(size);
        data.write(buffer, 0, n);
        data.write(CRLF);
        return data;
    }

    private Result send(BufferData data, long bodyBytes) {
        return writeNow(data) ? Result.ok(bodyBytes) : new Result(0, writeFailure, true);
    }

    /** @return whether the write went out; if not, {@link #writeFailure} says why (the client's side failed) */
    private boolean writeNow(BufferData data) {
        deadline.arm("write", writeTimeoutNanos);
        try {
            out.writeNow(data);
            return true;
        } catch (RuntimeException e) {
            writeFailure = e;
            return false;
        } finally {
            deadline.disarm();
        }
    }

    private static String statusLine(int status) {
        if (status < 100 || status >= STATUS_LINES.length) {
            return "HTTP/1.1 " + status + " \r\n";
        }
        String line = STATUS_LINES[status];
        if (line == null) {
            String phrase = Status.create(status).reasonPhrase();
            if (phrase.isEmpty() && status >= 400) { // Helidon names fewer statuses than the gateway sends (431)
                phrase = ReasonPhrases.of(status);
            }
            line = "HTTP/1.1 " + status + " " + phrase + "\r\n";
            STATUS_LINES[status] = line;
        }
        return line;
    }
}
