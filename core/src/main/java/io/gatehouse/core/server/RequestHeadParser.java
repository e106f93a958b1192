package io.gatehouse.core.server;

import io.gatehouse.api.Headers;
import io.gatehouse.api.HttpTokens;
import io.helidon.common.buffers.DataReader;

import java.nio.charset.StandardCharsets;

/**
 * Reads a request head (RFC 9112 §2-§5) strictly: one space between the parts of the request line, a known HTTP
 * version, visible ASCII in the target, field names that are tokens directly followed by a colon, no line folding,
 * no control characters, every line ended by CRLF. Anything else is a {@link WireException}, because a head that
 * two parsers could read differently is how requests are smuggled.
 */
final class RequestHeadParser {

    private static final int MAX_LEADING_EMPTY_LINES = 4;
    private static final int MAX_FIELDS = 256;

    private final int maxRequestLine;
    private final int maxHeaderSize;

    RequestHeadParser(long maxRequestLine, long maxHeaderSize) {
        this.maxRequestLine = (int) Math.min(Integer.MAX_VALUE - 2, maxRequestLine);
        this.maxHeaderSize = (int) Math.min(Integer.MAX_VALUE - 2, maxHeaderSize);
    }

    /**
     * Reads the next request head. The reader must have at least one byte available.
     *
     * @throws WireException when the head is malformed or over a limit; carries what was parsed so far
     */
    RequestHead read(DataReader reader) {
        byte[] line = line(reader, maxRequestLine, 414, "uri_too_long", "request line is longer than the limit");
        // RFC 9112 §2.2: empty lines before a request line (left over from a previous body) are ignored
        for (int skipped = 0; line.length == 0; skipped++) {
            if (skipped == MAX_LEADING_EMPTY_LINES) {
                throw WireException.badRequest("empty lines instead of a request line");
            }
            line = line(reader, maxRequestLine, 414, "uri_too_long", "request line is longer than the limit");
        }
        RequestHead head = requestLine(line);
        try {
            return headers(reader, head);
        } catch (WireException e) {
            throw e.with(head);
        }
    }

    private RequestHead requestLine(byte[] line) {
        int firstSpace = indexOf(line, (byte) ' ', 0);
        int lastSpace = lastIndexOf(line, (byte) ' ');
        if (firstSpace <= 0 || lastSpace == firstSpace) {
            throw WireException.badRequest("the request line must be 'METHOD target HTTP/1.1'");
        }
        for (int i = 0; i < firstSpace; i++) {
            if (!isTchar(line[i])) {
                throw WireException.badRequest("the method is not a token");
            }
        }
        String method = ascii(line, 0, firstSpace);
        String version = ascii(line, lastSpace + 1, line.length);
        boolean http10 = version(version);
        int targetStart = firstSpace + 1;
        for (int i = targetStart; i < lastSpace; i++) {
            int b = line[i] & 0xFF;
            if (b <= 0x20 || b >= 0x7F) {
                throw WireException.badRequest(b >= 0x80
                        ? "the request target holds a byte outside ASCII; percent-encode it"
                        : "the request target holds a space or control character");
            }
            if (b == '#') {
                throw WireException.badRequest("the request target holds a fragment");
            }
        }
        String target = ascii(line, targetStart, lastSpace);
        return target(method, target, http10);
    }

    /** @return whether the version is HTTP/1.0 (else it is HTTP/1.1) */
    private static boolean version(String version) {
        if (version.equals("HTTP/1.1")) {
            return false;
        }
        if (version.equals("HTTP/1.0")) {
            return true;
        }
        if (version.length() == 8 && version.startsWith("HTTP/") && Character.isDigit(version.charAt(5))
                && version.charAt(6) == '.' && Character.isDigit(version.charAt(7))) {
            throw new WireException(505, "http_version_not_supported", "HTTP version " + version.substring(5)
                    + " is not supported on this connection; use HTTP/1.1", null);
        }
        throw WireException.badRequest("the request line must end with the HTTP version (HTTP/1.1)");
    }

    private static RequestHead target(String method, String target, boolean http10) {
        String authority = null;
        String pathAndQuery;
        if (target.charAt(0) == '/') {
            pathAndQuery = target;
        } else if (target.equals("*") && method.equals("OPTIONS")) {
            pathAndQuery = "*";
        } else if (target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8)) {
            // absolute-form (RFC 9112 §3.2.2): a server must accept it; its authority replaces Host
            int start = target.indexOf("//") + 2;
            int slash = target.indexOf('/', start);
            int question = target.indexOf('?', start);
            int end = slash < 0 ? (question < 0 ? target.length() : question) : (question < 0 ? slash
                    : Math.min(slash, question));
            authority = target.substring(start, end);
            if (authority.isEmpty() || authority.indexOf('@') >= 0) {
                throw WireException.badRequest("the absolute request target has no valid authority");
            }
            pathAndQuery = end == target.length() ? "/" : target.charAt(end) == '?' ? "/" + target.substring(end)
                    : target.substring(end);
        } else {
            throw WireException.badRequest("the request target must be a path starting with '/'");
        }
        int question = pathAndQuery.indexOf('?');
        String rawPath = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
        String rawQuery = question < 0 ? "" : pathAndQuery.substring(question + 1);
        Headers headers = new Headers();
        if (authority != null) {
            headers.add("Host", authority);
        }
        return new RequestHead(method, rawPath, rawQuery, http10, headers, 0);
    }

    private RequestHead headers(DataReader reader, RequestHead head) {
        Headers headers = head.headers();
        boolean absoluteForm = headers.contains("Host");
        long size = 0;
        int fields = 0;
        while (true) {
            int budget = (int) Math.max(2, maxHeaderSize - size + 2);
            byte[] line = line(reader, budget, 431, "headers_too_large", "request headers are larger than the limit "
                    + "of " + maxHeaderSize + " bytes");
            if (line.length == 0) {
                break;
            }
            size += line.length + 2;
            if (size > maxHeaderSize || ++fields > MAX_FIELDS) {
                throw new WireException(431, "headers_too_large", "request headers are larger than the limit of "
                        + maxHeaderSize + " bytes", null);
            }
            if (line[0] == ' ' || line[0] == '\t') {
                throw WireException.badRequest("obsolete line folding in the headers");
            }
            int colon = indexOf(line, (byte) ':', 0);
            if (colon <= 0) {
                throw WireException.badRequest(colon == 0 ? "a header has an empty name" : "a header line has no ':'");
            }
            for (int i = 0; i < colon; i++) {
                if (!isTchar(line[i])) {
                    throw WireException.badRequest(line[i] == ' ' || line[i] == '\t'
                            ? "whitespace between a header name and its colon"
                            : "a header name holds a character that is not allowed");
                }
            }
            String name = ascii(line, 0, colon);
            String value = value(line, colon + 1, name);
            if (absoluteForm && name.equalsIgnoreCase("Host")) {
                continue; // the target's authority wins (RFC 9112 §3.2.2)
            }
            headers.add(name, value);
        }
        if (!head.http10()) {
            int hosts = headers.all("Host").size();
            if (hosts != 1) {
                throw WireException.badRequest(hosts == 0 ? "an HTTP/1.1 request must have a Host header"
                        : "a request must have one Host header, not " + hosts);
            }
        }
        headers.first("Host").ifPresent(RequestHeadParser::checkHost);
        return new RequestHead(head.method(), head.rawPath(), head.rawQuery(), head.http10(), headers, size);
    }

    private static String value(byte[] line, int from, String name) {
        int start = from;
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
                throw WireException.badRequest("the value of header '" + name + "' holds a control character");
            }
        }
        return new String(line, start, end - start, StandardCharsets.ISO_8859_1);
    }

    /** Host = uri-host [ ":" port ] (RFC 9110 §7.2), with an IP literal in brackets. */
    static void checkHost(String host) {
        int portStart;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                throw WireException.badRequest("the Host header is not a valid host");
            }
            for (int i = 1; i < close; i++) {
                char c = host.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    throw WireException.badRequest("the Host header is not a valid host");
                }
            }
            portStart = close + 1;
        } else {
            int colon = host.indexOf(':');
            portStart = colon < 0 ? host.length() : colon;
            for (int i = 0; i < portStart; i++) {
                char c = host.charAt(i);
                boolean ok = c < 128 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=%".indexOf(c) >= 0);
                if (!ok) {
                    throw WireException.badRequest("the Host header is not a valid host");
                }
            }
        }
        if (portStart < host.length()) {
            if (host.charAt(portStart) != ':' || host.length() - portStart > 6) {
                throw WireException.badRequest("the Host header is not a valid host");
            }
            for (int i = portStart + 1; i < host.length(); i++) {
                if (!Character.isDigit(host.charAt(i))) {
                    throw WireException.badRequest("the port of the Host header is not a number");
                }
            }
        }
    }

    /**
     * One CRLF-ended line without its CRLF. A lone CR or LF anywhere in it is refused (RFC 9112 §2.2 lets a
     * recipient accept a bare LF; a gateway that does and an upstream that doesn't disagree about framing).
     */
    static byte[] line(DataReader reader, int max, int status, String code, String tooLong) {
        int end;
        try {
            end = reader.findNewLine(max);
        } catch (DataReader.IncorrectNewLineException e) {
            throw WireException.badRequest("a line ends with a bare CR or LF; lines end with CRLF");
        }
        if (end >= max) {
            throw new WireException(status, code, tooLong, null);
        }
        byte[] bytes = reader.readBytes(end);
        reader.skip(2);
        for (byte b : bytes) {
            if (b == '\r' || b == '\n') {
                throw WireException.badRequest("a line ends with a bare CR or LF; lines end with CRLF");
            }
        }
        return bytes;
    }

    private static boolean isTchar(byte b) {
        return HttpTokens.isTchar(b);
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] bytes, byte b) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static String ascii(byte[] bytes, int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
