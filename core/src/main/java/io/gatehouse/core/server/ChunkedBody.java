package io.gatehouse.core.server;

import io.gatehouse.core.error.ClientBodyException;
import io.gatehouse.core.proxy.ChunkedDecoder;
import io.helidon.common.buffers.DataReader;

/**
 * A chunked request body (RFC 9112 §7.1), decoded by the same strict {@link ChunkedDecoder} as upstream responses:
 * chunk extensions are accepted and dropped; trailer fields are read, checked and dropped (as Envoy does by
 * default: the gateway re-frames the body for the upstream and forwards no request trailers). A malformed body is
 * a 400; one that grows over the body limit a 413.
 */
final class ChunkedBody extends ClientBody {

    private final ChunkedDecoder<ClientBodyException> decoder;
    private final long maxBodySize;
    private long total;

    ChunkedBody(DataReader reader, Connection connection, long maxBodySize, int maxTrailerSize) {
        super(reader, connection);
        this.decoder = new ChunkedDecoder<>(reader, maxTrailerSize,
                detail -> new ClientBodyException(400, "bad_request_body", "malformed chunked body: " + detail));
        this.maxBodySize = maxBodySize;
    }

    @Override
    protected int readBody(byte[] buffer, int offset, int length) throws ClientBodyException {
        int n = decoder.read(buffer, offset, (int) Math.min(length, maxBodySize - total + 1));
        if (n > 0) {
            total += n;
            if (total > maxBodySize) {
                throw new ClientBodyException(413, "body_too_large", "request body is larger than the limit of "
                        + maxBodySize + " bytes");
            }
        }
        return n;
    }
}
