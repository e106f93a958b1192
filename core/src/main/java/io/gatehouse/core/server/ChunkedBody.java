package io.gatehouse.core.server;

import io.gatehouse.core.error.ClientBodyException;
import io.helidon.common.buffers.DataReader;

/**
 * A chunked request body (RFC 9112 §7.1). Chunk extensions are accepted and dropped; trailer fields are read,
 * checked like header fields, and dropped (as Envoy does by default: the gateway re-frames the body for the
 * upstream and forwards no request trailers). Sizes are hex digits only; data must be followed by exactly CRLF.
 */
final class ChunkedBody extends ClientBody {

    private static final int MAX_CHUNK_LINE = 4096;
    private static final int MAX_SIZE_DIGITS = 15;

    private final long maxBodySize;
    private final int maxTrailerSize;
    private long remainingInChunk;
    private long total;
    private boolean started;

    ChunkedBody(DataReader reader, Connection connection, long maxBodySize, int maxTrailerSize) {
        super(reader, connection);
        this.maxBodySize = maxBodySize;
        this.maxTrailerSize = maxTrailerSize;
    }

    @Override
    protected int readBody(byte[] buffer, int offset, int length) throws ClientBodyException {
        if (remainingInChunk == 0) {
            if (started) {
                endOfData();
            }
            started = true;
            long size = sizeLine();
            if (size == 0) {
                trailers();
                return -1;
            }
            total += size;
            if (total > maxBodySize) {
                throw new ClientBodyException(413, "body_too_large", "request body is larger than the limit of "
                        + maxBodySize + " bytes");
            }
            remainingInChunk = size;
        }
        int n = copy(buffer, offset, (int) Math.min(length, remainingInChunk));
        remainingInChunk -= n;
        return n;
    }

    private void endOfData() throws ClientBodyException {
        if (reader.read() != '\r' || reader.read() != '\n') {
            throw malformed("chunk data is not followed by CRLF");
        }
    }

    /** chunk-size [ chunk-ext ] CRLF, where chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] ). */
    private long sizeLine() throws ClientBodyException {
        byte[] line = RequestHeadParser.line(reader, MAX_CHUNK_LINE, 400, "bad_request_body",
                "a chunk size line is longer than " + MAX_CHUNK_LINE + " bytes");
        int digits = 0;
        long size = 0;
        while (digits < line.length && Character.digit(line[digits], 16) >= 0) {
            if (digits == MAX_SIZE_DIGITS) {
                throw malformed("a chunk size is too large");
            }
            size = size * 16 + Character.digit(line[digits], 16);
            digits++;
        }
        if (digits == 0) {
            throw malformed("a chunk size is not a hexadecimal number");
        }
        int i = digits;
        while (i < line.length && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }
        if (i < line.length && line[i] != ';') {
            throw malformed("a chunk size is followed by something other than an extension");
        }
        for (; i < line.length; i++) {
            int b = line[i] & 0xFF;
            if ((b < 0x20 && b != '\t') || b == 0x7F) {
                throw malformed("a chunk extension holds a control character");
            }
        }
        return size;
    }

    private void trailers() throws ClientBodyException {
        int size = 0;
        while (true) {
            byte[] line = RequestHeadParser.line(reader, Math.max(2, maxTrailerSize - size + 2), 400,
                    "bad_request_body", "the request trailers are larger than the limit");
            if (line.length == 0) {
                return;
            }
            size += line.length + 2;
            int colon = -1;
            for (int i = 0; i < line.length && colon < 0; i++) {
                if (line[i] == ':') {
                    colon = i;
                } else if (line[i] <= ' ' || line[i] == 0x7F) {
                    throw malformed("a trailer field is malformed");
                }
            }
            if (colon <= 0 || size > maxTrailerSize) {
                throw malformed(colon <= 0 ? "a trailer field is malformed" : "the request trailers are too large");
            }
        }
    }

    private static ClientBodyException malformed(String detail) {
        return new ClientBodyException(400, "bad_request_body", "malformed chunked body: " + detail);
    }
}
