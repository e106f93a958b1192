package io.gatehouse.core.server;

import io.gatehouse.api.Headers;
import io.gatehouse.api.HttpTokens;

import java.util.List;
import java.util.Locale;

/**
 * How long a request body is (RFC 9112 §6), decided once, by the gateway, before any filter runs: the upstream
 * only ever gets the body re-framed by the gateway, so the two can never disagree about where it ends.
 *
 * <ul>
 *   <li>{@code Transfer-Encoding} must be exactly {@code chunked} (any case): a final coding other than chunked,
 *       chunked twice, parameters or an empty element → 400; chunked after another coding ({@code gzip,
 *       chunked}) → 501, the gateway does not decode transfer codings; with {@code Content-Length} as well, or in
 *       an HTTP/1.0 request → 400.</li>
 *   <li>{@code Content-Length} must be digits only; several values (headers or a list) must all be equal
 *       (RFC 9112 §6.3), else 400; over the body limit → 413 before a byte is read.</li>
 *   <li>Neither: no body.</li>
 * </ul>
 * Every refusal closes the connection.
 *
 * @param length the body length, {@link #CHUNKED}, or 0 for no body
 */
record RequestFraming(long length) {

    static final long CHUNKED = -1;
    static final RequestFraming NONE = new RequestFraming(0);

    boolean chunked() {
        return length == CHUNKED;
    }

    boolean hasBody() {
        return length != 0;
    }

    static RequestFraming of(RequestHead head, long maxBodySize) {
        Headers headers = head.headers();
        List<String> transferEncodings = headers.all("Transfer-Encoding");
        List<String> contentLengths = headers.all("Content-Length");
        if (!transferEncodings.isEmpty()) {
            if (!contentLengths.isEmpty()) {
                throw refuse(400, "a request must not have both Transfer-Encoding and Content-Length");
            }
            if (head.http10()) {
                throw refuse(400, "Transfer-Encoding is not allowed in an HTTP/1.0 request");
            }
            checkChunkedOnly(transferEncodings);
            return new RequestFraming(CHUNKED);
        }
        if (contentLengths.isEmpty()) {
            return NONE;
        }
        long length = contentLength(contentLengths);
        if (length > maxBodySize) {
            throw new WireException(413, "body_too_large", "request body of " + length
                    + " bytes is larger than the limit of " + maxBodySize, null);
        }
        return length == 0 ? NONE : new RequestFraming(length);
    }

    private static void checkChunkedOnly(List<String> values) {
        String[] codings = String.join(",", values).split(",", -1);
        for (int i = 0; i < codings.length; i++) {
            String coding = codings[i].strip().toLowerCase(Locale.ROOT);
            boolean last = i == codings.length - 1;
            if (coding.isEmpty() || !HttpTokens.isToken(coding)) {
                throw refuse(400, "Transfer-Encoding must be 'chunked'; got '" + String.join(", ", values) + "'");
            }
            if (coding.equals("chunked") != last) {
                throw refuse(400, last ? "the final transfer coding must be 'chunked'"
                        : "'chunked' may only be the final transfer coding, once");
            }
        }
        if (codings.length > 1) {
            throw refuse(501, "transfer codings other than 'chunked' are not implemented");
        }
    }

    /**
     * @param values the {@code Content-Length} field values (each may be a list)
     * @return the length they state, or -1 when there are none
     * @throws WireException (400) unless every value is the same number of bytes
     */
    static long contentLength(List<String> values) {
        long length = -1;
        for (String value : values) {
            for (String element : value.split(",", -1)) {
                long parsed = digits(element.strip());
                if (length >= 0 && parsed != length) {
                    throw refuse(400, "the request has different Content-Length values");
                }
                length = parsed;
            }
        }
        return length;
    }

    private static long digits(String value) {
        if (value.isEmpty() || value.length() > 18) {
            throw refuse(400, "Content-Length must be a number of bytes");
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw refuse(400, "Content-Length must be a number of bytes");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static WireException refuse(int status, String detail) {
        return new WireException(status, status == 501 ? "not_implemented" : "bad_framing", detail, null);
    }
}
