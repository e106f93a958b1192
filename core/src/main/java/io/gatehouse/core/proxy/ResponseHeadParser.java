package io.gatehouse.core.proxy;

import io.gatehouse.api.Headers;
import io.gatehouse.api.HttpTokens;
import io.helidon.common.buffers.DataReader;

import java.nio.charset.StandardCharsets;

/**
 * Reads the header fields of an upstream response (RFC 9112 §5) straight into the {@link Headers} the client's
 * response is made of, as strictly as the gateway reads requests: field names are tokens directly followed by a
 * colon, no line folding, no control characters in values but HTAB, every line ended by CRLF, the whole block within
 * the size limit. Anything else is a {@link BadResponseException}: the response is refused rather than read in a way
 * another parser might not.
 */
final class ResponseHeadParser {

    private static final int MAX_FIELDS = 512;

    private ResponseHeadParser() {
    }

    /**
     * Reads header lines up to and including the empty line that ends them.
     *
     * @param maxHeaderSize the most bytes the lines may take, CRLFs included
     */
    static Headers read(DataReader reader, int maxHeaderSize) throws BadResponseException {
        return read(reader, maxHeaderSize, 0);
    }

    /**
     * Reads the header lines of an interim (1xx) answer, as strictly as a final head's, and drops them.
     *
     * @param spent bytes of this response's head read so far (earlier interim answers, status lines included)
     * @return {@code spent} plus the bytes these lines took: an upstream gets one header budget per response, not
     *         one per 1xx
     */
    static int skip(DataReader reader, int maxHeaderSize, int spent) throws BadResponseException {
        return readInto(reader, maxHeaderSize, spent, new Headers());
    }

    /** Reads a final head whose interim answers took {@code spent} bytes of the limit ({@link #skip}). */
    static Headers read(DataReader reader, int maxHeaderSize, int spent) throws BadResponseException {
        Headers headers = new Headers();
        readInto(reader, maxHeaderSize, spent, headers);
        return headers;
    }

    /** @return {@code spent} plus the bytes read, the final CRLF included */
    private static int readInto(DataReader reader, int maxHeaderSize, int spent, Headers headers)
            throws BadResponseException {
        int size = spent;
        for (int fields = 0; ; fields++) {
            int budget = Math.max(2, maxHeaderSize - size);
            int end;
            try {
                end = reader.findNewLine(budget);
            } catch (DataReader.IncorrectNewLineException e) {
                throw new BadResponseException("a header line ends with a bare CR or LF");
            }
            if (end >= budget) {
                throw new BadResponseException(spent > 0
                        ? "response headers larger than " + maxHeaderSize + " bytes with its interim responses'"
                        : "response headers larger than " + maxHeaderSize + " bytes");
            }
            if (end == 0) {
                reader.skip(2);
                return size + 2;
            }
            if (fields == MAX_FIELDS) {
                throw new BadResponseException("more than " + MAX_FIELDS + " response header fields");
            }
            byte[] line = reader.readBytes(end);
            reader.skip(2);
            size += end + 2;
            field(line, headers);
        }
    }

    private static void field(byte[] line, Headers headers) throws BadResponseException {
        if (line[0] == ' ' || line[0] == '\t') {
            throw new BadResponseException("obsolete line folding in the response headers");
        }
        int colon = -1;
        for (int i = 0; i < line.length; i++) {
            byte b = line[i];
            if (b == ':') {
                colon = i;
                break;
            }
            if (!HttpTokens.isTchar(b)) {
                throw new BadResponseException("a response header name holds a character that is not allowed");
            }
        }
        if (colon <= 0) {
            throw new BadResponseException(colon == 0 ? "a response header has an empty name"
                    : "a response header line has no ':'");
        }
        int start = colon + 1;
        int end = line.length;
        while (start < end && (line[start] == ' ' || line[start] == '\t')) {
            start++;
        }
        while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t')) {
            end--;
        }
        for (int i = start; i < end; i++) {
            int b = line[i] & 0xFF;
            if ((b < 0x20 && b != '\t') || b == 0x7F) {
                throw new BadResponseException("a response header value holds a control character");
            }
        }
        headers.add(new String(line, 0, colon, StandardCharsets.ISO_8859_1),
                new String(line, start, end - start, StandardCharsets.ISO_8859_1));
    }
}
