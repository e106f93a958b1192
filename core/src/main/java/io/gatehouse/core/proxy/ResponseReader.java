package io.gatehouse.core.proxy;

import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;
import io.gatehouse.core.upstream.UpstreamConnection;
import io.helidon.common.buffers.DataReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads an upstream response once its first byte has arrived: status line (interim 1xx answers skipped), headers
 * ({@link ResponseHeadParser}, straight into the client's response headers), framing ({@link ResponseFraming}) and the body.
 *
 * <p>A body that can be had before the client's response starts is read whole here, so that whatever is wrong with
 * it, or bytes the upstream sent beyond it, can still be answered with a 502 instead of a broken-off response: a
 * body of known length up to {@link #PREFETCH_LIMIT} (the response writer would read it whole before sending
 * anyway), and a chunked body that has already arrived complete (one still arriving streams, as server-sent events
 * must). Larger bodies stream ({@link UpstreamBodyStream}).
 */
final class ResponseReader {

    static final int PREFETCH_LIMIT = 64 * 1024;
    private static final int MAX_STATUS_LINE = 4096;
    private static final int MAX_INTERIM = 16;

    private ResponseReader() {
    }

    /**
     * Reads the response. The connection belongs to the returned response's body from then on (already released or
     * closed when the body was read whole); on failure the caller closes it.
     *
     * @param eventStreamIdle the idle timeout of a {@code text/event-stream} body, or {@code null} for none
     * @param upgrade         whether the request asked to switch to WebSocket: a 101 is then read as the switch
     * @throws BadResponseException when the response is not valid HTTP/1.1 or its end is not certain
     * @throws IOException          when the connection fails or times out
     */
    static Response read(UpstreamConnection connection, String method, int maxHeaderSize, Duration eventStreamIdle,
                         boolean upgrade) throws IOException {
        DataReader reader = connection.reader();
        try {
            FinalStatus last = finalStatus(reader, maxHeaderSize, upgrade);
            StatusLine status = last.status();
            Headers head = ResponseHeadParser.read(reader, maxHeaderSize, last.spent());
            connection.headArrived();
            if (status.code() == 101) {
                return switched(connection, head);
            }
            if (isEventStream(head)) {
                // events come when they come: the upstream's read idle timeout is for bodies that are downloads
                connection.bodyIdleTimeout(eventStreamIdle);
            }
            ResponseFraming framing = ResponseFraming.of(method, status, head);
            if (upgrade) {
                // an upstream asked to upgrade and declining is not trusted with another request on the connection
                framing = new ResponseFraming(framing.kind(), framing.length(), false, framing.connectionTokens());
            }
            Headers headers = endToEnd(head, framing.connectionTokens());
            UpstreamBody body = body(connection, framing);
            if ("HEAD".equals(method)) {
                if (framing.length() >= 0) {
                    headers.set("Content-Length", Long.toString(framing.length()));
                } else {
                    // the GET it stands for is chunked or ends with the connection: no length to declare, not 0
                    body = UpstreamBody.ofUnknownLength();
                }
            }
            return new Response(status.code(), headers, body);
        } catch (DataReader.InsufficientDataAvailableException e) {
            throw new IOException("upstream closed the connection in the middle of its response");
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (RuntimeException e) {
            // Helidon's reader: a bare LF in the status line
            String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new BadResponseException("invalid response head (" + e.getClass().getSimpleName() + ": "
                    + BadResponseException.quote(message) + ")");
        }
    }

    /**
     * The final status line. The interim answers' status lines and headers are counted in its {@code spent}: they
     * count against the final head's size limit, so 16 of them cannot bring in 16 times the limit. A {@code 101} is
     * refused unless the request was a WebSocket handshake: the gateway forwards {@code Upgrade} for nothing else (it
     * is hop-by-hop), and the bytes after it would be another protocol.
     */
    private static FinalStatus finalStatus(DataReader reader, int maxHeaderSize, boolean upgrade)
            throws BadResponseException {
        int spent = 0;
        for (int interim = 0; ; interim++) {
            String line = line(reader, MAX_STATUS_LINE, "status line");
            StatusLine status = StatusLine.parse(line);
            if (status.code() == 101 && upgrade) {
                return new FinalStatus(status, spent);
            }
            if (status.code() == 101) {
                throw new BadResponseException("101 Switching Protocols to a request that asked for no upgrade");
            }
            if (!status.interim()) {
                return new FinalStatus(status, spent);
            }
            if (interim == MAX_INTERIM) {
                throw new BadResponseException("more than " + MAX_INTERIM + " interim responses");
            }
            spent = ResponseHeadParser.skip(reader, maxHeaderSize, spent + line.length() + 2);
        }
    }

    /** The final status line, and the bytes the interim answers before it took ({@link ResponseHeadParser#skip}). */
    private record FinalStatus(StatusLine status, int spent) {
    }

    /**
     * A {@code 101} to a WebSocket handshake: it must name the protocol switched to (RFC 6455 §4.1); the connection
     * then belongs to the tunnel, through the response's body, which ends it.
     */
    private static Response switched(UpstreamConnection connection, Headers head)
            throws BadResponseException {
        boolean websocket = head.all("Upgrade").stream()
                .anyMatch(value -> value.trim().equalsIgnoreCase("websocket"));
        boolean connectionUpgrade = HopByHop.connectionTokens(head).contains("upgrade");
        if (!websocket || !connectionUpgrade) {
            throw new BadResponseException("a 101 without Upgrade: websocket and Connection: Upgrade");
        }
        return new Response(101, endToEnd(head, Set.of()), UpstreamBody.upgraded(connection));
    }

    /** Reads a line ending in CRLF (a bare LF is refused by the reader), of at most {@code max} bytes. */
    private static String line(DataReader reader, int max, String what) throws BadResponseException {
        int end = reader.findNewLine(max);
        if (end >= max) {
            throw new BadResponseException(what + " longer than " + max + " bytes");
        }
        String line = reader.readAsciiString(end);
        reader.skip(2);
        return line;
    }

    /** Whether the response is server-sent events ({@code Content-Type: text/event-stream}, any parameters). */
    static boolean isEventStream(Headers head) {
        String type = head.first("Content-Type").orElse(null);
        if (type == null) {
            return false;
        }
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).trim().equalsIgnoreCase("text/event-stream");
    }

    /**
     * The headers the client may see, taken out of the response's own: no hop-by-hop ones, none the
     * {@code Connection} header named, no framing.
     */
    private static Headers endToEnd(Headers head, Set<String> connectionTokens) {
        head.removeIf(name -> HopByHop.isHopByHop(name) || name.equalsIgnoreCase("Content-Length")
                || (!connectionTokens.isEmpty() && connectionTokens.contains(name.toLowerCase(Locale.ROOT))));
        return head;
    }

    private static UpstreamBody body(UpstreamConnection connection, ResponseFraming framing) throws IOException {
        DataReader reader = connection.reader();
        long length = framing.length();
        return switch (framing.kind()) {
            case NONE -> whole(connection, framing, new byte[0]);
            case LENGTH -> length <= PREFETCH_LIMIT
                    ? whole(connection, framing, length == 0 ? new byte[0] : reader.readBytes((int) length))
                    : UpstreamBody.streaming(UpstreamBodyStream.fixed(connection, length, framing.keepAlive()), length);
            case CHUNKED -> chunked(connection, framing);
            case UNTIL_CLOSE -> UpstreamBody.streaming(UpstreamBodyStream.untilClose(connection), -1);
        };
    }

    /** A chunked body read whole when it has arrived whole: decoded from a copy, so an incomplete one can stream. */
    private static UpstreamBody chunked(UpstreamConnection connection, ResponseFraming framing)
            throws BadResponseException {
        DataReader reader = connection.reader();
        int buffered = reader.available();
        if (buffered > 0 && buffered <= PREFETCH_LIMIT) {
            byte[] copy = new byte[buffered];
            reader.getBuffer(buffered).read(copy, 0, buffered);
            DataReader trial = new DataReader(once(copy));
            try {
                byte[] body = ChunkedDecoder.upstream(trial).readAll();
                reader.skip(buffered - trial.available());
                return whole(connection, framing, body);
            } catch (DataReader.InsufficientDataAvailableException stillArriving) {
                // streams below
            }
        }
        return UpstreamBody.streaming(UpstreamBodyStream.chunked(connection, framing.keepAlive()), -1);
    }

    /**
     * A body read whole: bytes already waiting beyond it are refused (502) before the client's response starts;
     * otherwise the connection is done with.
     */
    private static UpstreamBody whole(UpstreamConnection connection, ResponseFraming framing, byte[] body)
            throws BadResponseException {
        int extra = connection.reader().available();
        if (extra > 0) {
            throw new BadResponseException(extra + " bytes after the end of the response");
        }
        if (framing.keepAlive()) {
            connection.release();
        } else {
            connection.close();
        }
        return UpstreamBody.whole(body);
    }

    private static Supplier<byte[]> once(byte[] bytes) {
        byte[][] left = {bytes};
        return () -> {
            byte[] next = left[0];
            left[0] = null;
            return next;
        };
    }
}
