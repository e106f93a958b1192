package io.gatehouse.core.proxy;

import io.gatehouse.api.Body;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;
import io.gatehouse.core.error.ClientBodyException;
import io.gatehouse.core.upstream.UpstreamConnection;
import io.gatehouse.core.wire.HeadBytes;
import io.gatehouse.core.wire.ReadTurn;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.RequestException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * One HTTP/1.1 request/response on an upstream connection. Helidon does the socket and the header parsing; this
 * class writes the request with the framing a proxy needs to control (Content-Length kept for streamed bodies of
 * any size, chunked otherwise) and hands the response to {@link ResponseReader}, which validates its framing and
 * returns the connection to the pool only after a complete keep-alive exchange.
 */
final class Http1Call {

    private static final int COPY_BUFFER = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private Http1Call() {
    }

    /**
     * A failure before any byte of the response arrived: the request may be retried on another connection when
     * it is replayable and idempotent.
     */
    static final class BeforeResponseException extends IOException {
        private static final long serialVersionUID = 1L;

        BeforeResponseException(Throwable cause) {
            super(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause);
        }
    }

    /**
     * The request to send.
     *
     * @param method  the method
     * @param host    the Host header value
     * @param target  the encoded path and query
     * @param headers   the request's headers as filters left them; hop-by-hop, Host, framing and forwarding
     *                  headers among them are not sent
     * @param connectionTokens header names (lower case) the client's {@code Connection} header listed
     * @param forwarding the forwarding headers to send
     * @param whole   the body when held in memory, else {@code null}
     * @param body    the streamed body when {@code whole} is {@code null}
     * @param length  the body length when streamed: known ({@code >= 0}) or chunked ({@code -1}); ignored when
     *                {@code whole} is set or {@code hasBody} is false
     * @param hasBody whether a body is sent at all
     * @param upgrade whether it is a WebSocket handshake: sent with {@code Upgrade: websocket}, and answerable
     *                with {@code 101}
     */
    record Outgoing(String method, String host, String target, Headers headers, Set<String> connectionTokens,
                    ForwardedHeaders forwarding, byte[] whole, Body body, long length, boolean hasBody,
                    boolean upgrade) {

        /** The same request addressed to another host. */
        Outgoing withHost(String newHost) {
            return new Outgoing(method, newHost, target, headers, connectionTokens, forwarding, whole, body, length,
                    hasBody, upgrade);
        }
    }

    /**
     * The time limits of one exchange.
     *
     * @param headDeadline when the response head must have arrived ({@link System#nanoTime()}); time spent
     *                     streaming the client's body to the upstream does not count, the client sets its pace
     * @param idle         after the head, the longest wait for more of the body
     * @param write        the longest one write of the request may block
     * @param eventStreamIdle the idle timeout of a {@code text/event-stream} body instead of {@code idle};
     *                     {@code null} for none
     */
    record Timeouts(long headDeadline, Duration idle, Duration write, Duration eventStreamIdle) {
    }

    /**
     * Sends the request and reads the response head. The connection belongs to the returned response's body
     * from then on (released or closed when it ends); on failure it is closed.
     *
     * @throws BeforeResponseException when the connection failed before the response began
     * @throws ClientBodyException     when reading the client's body failed: the upstream request was aborted
     * @throws BadResponseException    when the response is not valid HTTP/1.1 or its framing is in doubt
     * @throws java.net.SocketTimeoutException when a timeout ran out ({@code UpstreamTimeoutException})
     * @throws IOException             when the connection failed later
     */
    static Response exchange(UpstreamConnection connection, Outgoing request, Timeouts timeouts, int maxHeaderSize)
            throws IOException {
        try {
            connection.timeouts(timeouts.headDeadline(), timeouts.idle(), timeouts.write());
            try {
                writeRequest(connection, request);
            } catch (UncheckedIOException e) {
                if (e.getCause() instanceof java.net.SocketTimeoutException timeoutException) {
                    throw timeoutException;
                }
                if (!answeredEarly(connection)) {
                    throw new BeforeResponseException(e);
                }
                // the upstream answered (an early 413 or 401) and stopped reading the body: its answer is the
                // response, and the connection, with part of a request on it, is never reused
                connection.retire();
            }
            ReadTurn.yieldBeforeRead(); // the answer is seldom there yet: let the other connections run first
            try {
                connection.reader().ensureAvailable();
            } catch (UncheckedIOException | DataReader.InsufficientDataAvailableException e) {
                if (e.getCause() instanceof java.net.SocketTimeoutException timeoutException) {
                    throw timeoutException;
                }
                throw new BeforeResponseException(e);
            }
            return ResponseReader.read(connection, request.method(), maxHeaderSize, timeouts.eventStreamIdle(),
                    request.upgrade());
        } catch (IOException e) {
            connection.close();
            throw e;
        } catch (RuntimeException e) {
            connection.close();
            throw e instanceof UncheckedIOException u ? u.getCause() : new IOException(
                    "invalid response: " + e.getMessage(), e);
        }
    }

    /**
     * Whether a response waits on a connection whose request could not be written whole: an upstream may answer
     * before it has read the body and close, and the write then fails on the closed connection while the answer is
     * already here. A connection that failed without answering ends at once (reset or end of stream).
     */
    private static boolean answeredEarly(UpstreamConnection connection) {
        try {
            connection.reader().ensureAvailable();
            return true;
        } catch (UncheckedIOException | DataReader.InsufficientDataAvailableException e) {
            return false;
        }
    }

    private static void writeRequest(UpstreamConnection connection, Outgoing request) throws IOException {
        HeadBytes text = connection.head().reset();
        text.append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\nHost: ")
                .append(request.host()).crlf();
        Set<String> tokens = request.connectionTokens();
        request.headers().forEach((name, value) -> {
            if (!notForwarded(name) && (tokens.isEmpty() || !tokens.contains(name.toLowerCase(Locale.ROOT)))) {
                text.field(name, value);
            }
        });
        ForwardedHeaders forwarding = request.forwarding();
        text.field("X-Forwarded-For", forwarding.forwardedFor())
                .field("X-Forwarded-Proto", forwarding.forwardedProto());
        if (forwarding.forwardedHost() != null) {
            text.field("X-Forwarded-Host", forwarding.forwardedHost());
        }
        text.field("Forwarded", forwarding.forwarded());
        text.field("X-Real-IP", forwarding.realIp());
        if (request.upgrade()) {
            text.append("Connection: Upgrade\r\nUpgrade: websocket\r\n");
        }
        boolean chunked = false;
        if (request.whole() != null) {
            text.append("Content-Length: ").append(request.whole().length).crlf();
        } else if (request.hasBody()) {
            if (request.length() >= 0) {
                text.append("Content-Length: ").append(request.length()).crlf();
            } else {
                text.append("Transfer-Encoding: chunked\r\n");
                chunked = true;
            }
        } else if (needsZeroLength(request.method())) {
            text.append("Content-Length: 0\r\n");
        }
        text.crlf();
        if (request.whole() != null) {
            text.append(request.whole(), 0, request.whole().length);
        }
        BufferData out = text.data();
        try {
            connection.writer().writeNow(out);
        } finally {
            // written synchronously: a pooled connection does not keep a small body's room (and its bytes)
            text.reset();
        }
        if (request.whole() == null && request.hasBody()) {
            long start = System.nanoTime();
            writeBody(connection, request.body(), request.length(), chunked);
            connection.postponeHead(System.nanoTime() - start);
        }
    }

    /** Headers the proxy never copies: hop-by-hop, Host, framing, Expect, and the forwarding ones it recomputes. */
    private static boolean notForwarded(String name) {
        if (HopByHop.isHopByHop(name)) {
            return true;
        }
        return switch (name.charAt(0) | 0x20) {
            case 'h' -> name.equalsIgnoreCase("host");
            case 'c' -> name.equalsIgnoreCase("content-length");
            case 'e' -> name.equalsIgnoreCase("expect");
            case 'x', 'f' -> ForwardedHeaders.isForwardingHeader(name);
            default -> false;
        };
    }

    private static boolean needsZeroLength(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }

    /**
     * Streams the client's body upstream. Reading the client and writing the upstream fail for different parties:
     * a failure to read is the client's ({@link ClientBodyException}), and the upstream request is abandoned
     * mid-body (no last chunk, the connection closed by the caller), so the upstream never sees a complete body.
     */
    private static void writeBody(UpstreamConnection connection, Body body, long length, boolean chunked)
            throws IOException {
        long sent = 0;
        InputStream in = body.stream();
        try {
            byte[] buffer = new byte[COPY_BUFFER];
            for (int n; (n = readClient(in, buffer)) != -1; ) {
                if (n == 0) {
                    continue;
                }
                sent += n;
                if (!chunked && sent > length) {
                    throw new ClientBodyException(400, "invalid_body", "the request body is longer than its "
                            + "Content-Length of " + length + " bytes");
                }
                BufferData data;
                if (chunked) {
                    byte[] size = (Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    data = BufferData.create(size.length + n + 2);
                    data.write(size);
                    data.write(buffer, 0, n);
                    data.write(CRLF);
                } else {
                    data = BufferData.create(buffer, 0, n); // written synchronously: the buffer may be reused after
                }
                connection.writer().writeNow(data);
            }
        } finally {
            closeClient(in);
        }
        if (chunked) {
            connection.writer().writeNow(BufferData.create(LAST_CHUNK));
        } else if (sent != length) {
            throw ClientBodyException.aborted(new EOFException("the request body ended after " + sent + " of its "
                    + length + " bytes"));
        }
    }

    private static int readClient(InputStream in, byte[] buffer) throws ClientBodyException {
        try {
            return in.read(buffer);
        } catch (IOException | RuntimeException e) {
            throw clientFailure(e);
        }
    }

    private static void closeClient(InputStream in) {
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // the body was read as far as it goes; closing it decides nothing about the exchange
        }
    }

    /**
     * What a failure to read the client's body becomes: always the client's failure. One that already says so is
     * kept; a refusal (such as 413 from a body limit) keeps its status and code; anything else means the client
     * went away in the middle of its body.
     */
    static ClientBodyException clientFailure(Throwable e) {
        return switch (e) {
            case ClientBodyException client -> client;
            case UncheckedIOException unchecked when unchecked.getCause() instanceof ClientBodyException client ->
                    client;
            case GatewayException refusal -> new ClientBodyException(refusal.status(), refusal.code(),
                    refusal.getMessage(), refusal);
            case RequestException refusal when refusal.status().code() == 413 -> new ClientBodyException(413,
                    "body_too_large", "the request body is larger than the limit", refusal);
            case RequestException refusal -> new ClientBodyException(refusal.status().code(), "invalid_body",
                    "the request body is malformed", refusal);
            default -> ClientBodyException.aborted(e);
        };
    }
}
