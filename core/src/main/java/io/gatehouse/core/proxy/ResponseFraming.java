package io.gatehouse.core.proxy;

import io.gatehouse.api.Headers;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where an upstream response's body ends (RFC 9112 section 6.3), decided strictly. The gateway re-frames every
 * response for its client, so it never needs to be lenient: when two readers of the same bytes could disagree on
 * where the response ends, the response is refused ({@link BadResponseException}) rather than guessed at, because a
 * wrong guess on a kept-alive connection hands the rest of the bytes to the next client as its answer.
 *
 * <ul>
 *   <li>{@code Content-Length}: one value of 1*DIGIT (at most 18 digits). Repeated identical values ({@code 5, 5} or
 *       two lines of {@code 5}) are accepted, as RFC 9110 section 8.6 allows; differing ones, signs, spaces inside,
 *       empty values are refused.</li>
 *   <li>{@code Transfer-Encoding}: exactly {@code chunked}. Any other coding would reach the client undecoded once
 *       the gateway drops the header to re-frame, so {@code gzip, chunked} and a final coding other than chunked
 *       (which RFC 9112 would read until close) are refused. Never in an HTTP/1.0 response.</li>
 *   <li>Both at once: refused (RFC 9112 section 6.3 calls it a likely smuggling attempt).</li>
 *   <li>Responses without content (to HEAD, 204, 304) have none whatever the headers say; their
 *       {@code Content-Length} is still checked, and it is kept for HEAD.</li>
 * </ul>
 *
 * @param kind             how the body is delimited
 * @param length           the Content-Length, or -1 when there is none
 * @param keepAlive        whether the connection may carry another request afterwards
 * @param connectionTokens the header names the {@code Connection} header listed (lower case): hop-by-hop here
 */
record ResponseFraming(Kind kind, long length, boolean keepAlive, Set<String> connectionTokens) {

    enum Kind { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    private static final int MAX_LENGTH_DIGITS = 18;

    static ResponseFraming of(String method, StatusLine status, Headers head) throws BadResponseException {
        List<String> lengths = head.all("Content-Length");
        List<String> codings = head.all("Transfer-Encoding");
        if (lengths.isEmpty()) {
            lengths = null;
        }
        if (codings.isEmpty()) {
            codings = null;
        }
        Set<String> tokens = HopByHop.connectionTokens(head);
        if (lengths != null && codings != null) {
            throw new BadResponseException("response has both Content-Length and Transfer-Encoding");
        }
        if (codings != null && status.http10()) {
            throw new BadResponseException("HTTP/1.0 response has a Transfer-Encoding");
        }
        long length = lengths == null ? -1 : contentLength(lengths);
        // HTTP/1.0 keep-alive is a pre-standard extension: such a connection is simply not reused
        boolean keepAlive = !status.http10() && !tokens.contains("close");
        int code = status.code();
        if ("HEAD".equals(method) || code == 204 || code == 304) {
            return new ResponseFraming(Kind.NONE, length, keepAlive, tokens);
        }
        if (codings != null) {
            requireChunkedOnly(codings);
            return new ResponseFraming(Kind.CHUNKED, -1, keepAlive, tokens);
        }
        if (length >= 0) {
            return new ResponseFraming(Kind.LENGTH, length, keepAlive, tokens);
        }
        return new ResponseFraming(Kind.UNTIL_CLOSE, -1, false, tokens);
    }

    private static long contentLength(List<String> lines) throws BadResponseException {
        String first = null;
        for (String line : lines) {
            for (String element : line.split(",", -1)) {
                String value = element.strip();
                if (value.isEmpty() || value.length() > MAX_LENGTH_DIGITS || !digits(value)) {
                    throw new BadResponseException("invalid Content-Length " + BadResponseException.quote(line));
                }
                if (first == null) {
                    first = value;
                } else if (!first.equals(value)) {
                    throw new BadResponseException("conflicting Content-Length values "
                            + BadResponseException.quote(String.join(", ", lines)));
                }
            }
        }
        return Long.parseLong(first);
    }

    private static boolean digits(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static void requireChunkedOnly(List<String> lines) throws BadResponseException {
        String all = String.join(",", lines);
        if (!all.strip().toLowerCase(Locale.ROOT).equals("chunked")) {
            throw new BadResponseException("Transfer-Encoding " + BadResponseException.quote(all)
                    + " is not exactly chunked");
        }
    }
}
