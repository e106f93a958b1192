package io.gatehouse.core.proxy;

import java.io.IOException;

/**
 * The upstream answered with something that is not a valid HTTP/1.1 response, or whose end cannot be known for
 * certain (conflicting or malformed framing, bytes beyond its end, an upgrade nobody asked for). It is the upstream's
 * fault: the client gets a 502 {@code upstream_bad_response}, passive health counts it, and the connection is
 * closed, never reused, so no byte of it can be taken for the answer to another request.
 *
 * <p>The message is for the log; it quotes at most a short, sanitised piece of what the upstream sent.
 */
final class BadResponseException extends IOException {

    private static final long serialVersionUID = 1L;
    private static final int MAX_QUOTE = 40;

    BadResponseException(String message) {
        super(message);
    }

    /** A piece of upstream text fit for a log line: printable ASCII only, and short. */
    static String quote(String text) {
        StringBuilder quoted = new StringBuilder(Math.min(text.length(), MAX_QUOTE) + 5).append('\'');
        for (int i = 0; i < text.length() && i < MAX_QUOTE; i++) {
            char c = text.charAt(i);
            quoted.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return quoted.append(text.length() > MAX_QUOTE ? "...'" : "'").toString();
    }
}
