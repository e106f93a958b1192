package io.gatehouse.core.proxy;

/**
 * The status line of an upstream response: {@code HTTP/1.1 200 OK}. Only HTTP/1.1 and HTTP/1.0 are accepted, with a
 * three-digit status between 100 and 599; the reason phrase is not used (and may be missing, as some servers do).
 *
 * @param http10 whether the upstream answered as HTTP/1.0 (no chunked coding, no reuse)
 * @param code   the status code
 */
record StatusLine(boolean http10, int code) {

    static StatusLine parse(String line) throws BadResponseException {
        boolean http10 = line.startsWith("HTTP/1.0 ");
        if (!http10 && !line.startsWith("HTTP/1.1 ")) {
            throw new BadResponseException("not an HTTP/1.1 status line: " + BadResponseException.quote(line));
        }
        int code = 0;
        for (int i = 9; i < 12; i++) {
            char c = i < line.length() ? line.charAt(i) : ' ';
            if (c < '0' || c > '9') {
                throw new BadResponseException("invalid status code in " + BadResponseException.quote(line));
            }
            code = code * 10 + (c - '0');
        }
        if (code < 100 || code > 599 || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new BadResponseException("invalid status code in " + BadResponseException.quote(line));
        }
        return new StatusLine(http10, code);
    }

    /** An interim answer (100 Continue, 103 Early Hints): another status line follows. */
    boolean interim() {
        return code < 200;
    }
}
