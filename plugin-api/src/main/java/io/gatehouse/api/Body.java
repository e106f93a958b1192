package io.gatehouse.api;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A request or response body. By default a body is a stream that is read once, as it arrives: nothing is
 * buffered unless a filter asks for it with {@link #readAll(long)}.
 */
public interface Body extends AutoCloseable {

    /**
     * The bytes of the body, as a stream that may be read once.
     *
     * @return the stream, never {@code null}
     * @throws IllegalStateException if the stream was already taken
     */
    InputStream stream();

    /**
     * The length in bytes when it is known in advance.
     *
     * @return the length, or {@code -1} when unknown (chunked)
     */
    long length();

    /**
     * Reads the whole body into memory.
     *
     * @param limit the most bytes to accept
     * @return the bytes
     * @throws GatewayException with status 413 when the body is longer than {@code limit}
     * @throws UncheckedIOException when the peer fails while sending it
     */
    default byte[] readAll(long limit) {
        if (length() > limit) {
            throw tooLarge(limit);
        }
        try (InputStream in = stream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(length() > 0 ? (int) length() : 256);
            byte[] buffer = new byte[8192];
            long total = 0;
            for (int n; (n = in.read(buffer)) != -1; ) {
                total += n;
                if (total > limit) {
                    throw tooLarge(limit);
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("reading body failed: " + e.getMessage(), e);
        }
    }

    /**
     * Releases the body without reading it (for an upstream response, this gives up its connection).
     * Closing a fully read body does nothing.
     */
    @Override
    default void close() {
    }

    /**
     * An empty body.
     *
     * @return a body of length 0
     */
    static Body empty() {
        return of(new byte[0]);
    }

    /**
     * A body held in memory.
     *
     * @param bytes the content, not copied
     * @return a body of known length that may be streamed once
     */
    static Body of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return of(new ByteArrayInputStream(bytes), bytes.length);
    }

    /**
     * A UTF-8 text body.
     *
     * @param text the content
     * @return a body of known length
     */
    static Body of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A streamed body.
     *
     * @param stream the content; closed by {@link #close()}
     * @param length the length in bytes, or {@code -1} when unknown
     * @return a body that may be streamed once
     */
    static Body of(InputStream stream, long length) {
        Objects.requireNonNull(stream, "stream");
        return new Body() {
            private boolean taken;

            @Override
            public InputStream stream() {
                if (taken) {
                    throw new IllegalStateException("body stream already taken");
                }
                taken = true;
                return stream;
            }

            @Override
            public long length() {
                return length;
            }

            @Override
            public void close() {
                try {
                    stream.close();
                } catch (IOException ignored) {
                    // releasing; nothing useful to report
                }
            }
        };
    }

    private static GatewayException tooLarge(long limit) {
        return new GatewayException(413, "body_too_large", "body is larger than the limit of " + limit + " bytes");
    }
}
