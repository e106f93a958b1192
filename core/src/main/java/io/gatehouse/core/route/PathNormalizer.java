package io.gatehouse.core.route;

import io.gatehouse.api.GatewayException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Turns the raw request path into the one decoded, normalised path that routing, auth and the upstream all see.
 * It runs once per request, before matching; because filters decide on its result, it rejects anything that
 * could be read two ways rather than guess.
 *
 * <p>{@link #normalize(String)}, in order:
 * <ol>
 *   <li>the path must start with {@code /};</li>
 *   <li>every {@code %XX} escape is decoded as UTF-8 (so {@code %61} is {@code a} and {@code %2e%2e} is
 *       {@code ..}); a malformed escape ({@code %zz}, a truncated {@code %4}) or invalid UTF-8 (including
 *       overlong forms such as {@code %c0%ae}) is rejected;</li>
 *   <li>an encoded slash {@code %2F} is rejected: decoded it would change the segment structure, kept encoded
 *       the gateway and the upstream could disagree about it;</li>
 *   <li>a backslash, literal or {@code %5C}, is rejected: some servers treat it as a separator, a classic way
 *       to smuggle {@code ..\} past a prefix check;</li>
 *   <li>control characters (C0, DEL, C1, including {@code %00}) are rejected;</li>
 *   <li>runs of {@code /} collapse to one, before dot segments are resolved;</li>
 *   <li>{@code .} and {@code ..} segments are resolved (RFC 3986 remove_dot_segments); a {@code ..} that would
 *       climb above the root is rejected, as is a dot segment with a parameter ({@code ..;x}), which servlet
 *       containers resolve as {@code ..};</li>
 *   <li>a trailing slash is kept: {@code /a/b/} stays {@code /a/b/}; a path ending in a dot segment ends
 *       with a slash ({@code /a/b/..} is {@code /a/}).</li>
 * </ol>
 * Every rejection is a {@link GatewayException} with status 400 and code {@code invalid_path}.
 *
 * <p>{@link #encode(String)} turns a normalised path back into wire form for the upstream, so the upstream sees
 * exactly the path that was matched: {@code normalize(encode(p)).equals(p)} for every normalised {@code p}.
 */
public final class PathNormalizer {

    private static final String CODE = "invalid_path";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathNormalizer() {
    }

    /**
     * Decodes and normalises a raw request path.
     *
     * @param rawPath the path as received, still percent-encoded, without the query
     * @return the decoded, normalised path; starts with {@code /}
     * @throws GatewayException 400 {@code invalid_path} saying what was wrong, for the reasons listed on the class
     */
    public static String normalize(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw invalid("the path must start with '/'");
        }
        String decoded = rawPath.indexOf('%') < 0 ? rawPath : decode(rawPath);
        checkCharacters(decoded);
        return removeDotSegments(decoded);
    }

    /**
     * Percent-encodes a decoded path for the request line to the upstream. Keeps {@code /} and the RFC 3986
     * {@code pchar} characters (unreserved, sub-delims, {@code :} and {@code @}); encodes everything else as
     * UTF-8 bytes, e.g. {@code /a b} becomes {@code /a%20b} and {@code /ü} becomes {@code /%C3%BC}.
     *
     * @param decodedPath a decoded path, typically the result of {@link #normalize(String)} or of a rewrite
     * @return the encoded path
     */
    public static String encode(String decodedPath) {
        byte[] bytes = decodedPath.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = null;
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            boolean keep = b < 0x80 && isPathChar((char) b);
            if (out == null) {
                if (keep) {
                    continue;
                }
                out = new StringBuilder(bytes.length + 16);
                for (int j = 0; j < i; j++) {
                    out.append((char) bytes[j]);
                }
            }
            if (keep) {
                out.append((char) b);
            } else {
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
            }
        }
        return out == null ? decodedPath : out.toString();
    }

    private static boolean isPathChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
    }

    private static String decode(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        byte[] run = new byte[raw.length() / 3];
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            // Decode a whole run of escapes at once: a multi-byte UTF-8 character spans several of them.
            int len = 0;
            while (i < raw.length() && raw.charAt(i) == '%') {
                int b = escapedByte(raw, i);
                if (b == '/') {
                    throw invalid("an encoded slash (%2F) is not allowed in the path");
                }
                run[len++] = (byte) b;
                i += 3;
            }
            try {
                out.append(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(run, 0, len)));
            } catch (CharacterCodingException e) {
                throw invalid("the percent-encoded bytes at offset " + (i - 3 * len) + " are not valid UTF-8");
            }
        }
        return out.toString();
    }

    private static int escapedByte(String raw, int at) {
        int hi = at + 1 < raw.length() ? Character.digit(raw.charAt(at + 1), 16) : -1;
        int lo = at + 2 < raw.length() ? Character.digit(raw.charAt(at + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
            String seen = raw.substring(at, Math.min(at + 3, raw.length()));
            throw invalid("malformed percent-escape '" + seen + "' at offset " + at + "; expected '%' and two hex digits");
        }
        return hi << 4 | lo;
    }

    private static void checkCharacters(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\') {
                throw invalid("a backslash (literal or %5C) is not allowed in the path");
            }
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                throw invalid(String.format("control character U+%04X is not allowed in the path", (int) c));
            }
        }
    }

    private static String removeDotSegments(String path) {
        if (!path.contains("//") && !path.contains("/.")) {
            return path;
        }
        int n = path.length();
        StringBuilder out = new StringBuilder(n);
        boolean trailingSlash = false;
        int pos = 0;
        while (pos < n) {
            int start = pos + 1;
            int end = path.indexOf('/', start);
            end = end < 0 ? n : end;
            trailingSlash = end == n;
            if (isDots(path, start, end, 2)) {
                if (out.isEmpty()) {
                    throw invalid("the path climbs above the root with '..'");
                }
                out.setLength(out.lastIndexOf("/"));
            } else if (end > start && !isDots(path, start, end, 1)) {
                checkNoDotParameter(path, start, end);
                out.append('/').append(path, start, end);
                trailingSlash = false;
            }
            pos = end;
        }
        if (out.isEmpty() || trailingSlash) {
            out.append('/');
        }
        return out.toString();
    }

    private static boolean isDots(String path, int start, int end, int count) {
        if (end - start != count) {
            return false;
        }
        for (int i = start; i < end; i++) {
            if (path.charAt(i) != '.') {
                return false;
            }
        }
        return true;
    }

    private static void checkNoDotParameter(String path, int start, int end) {
        int semicolon = path.indexOf(';', start);
        if (semicolon >= 0 && semicolon < end
                && (isDots(path, start, semicolon, 1) || isDots(path, start, semicolon, 2))) {
            throw invalid("a dot segment with a parameter ('" + path.substring(start, end) + "') is not allowed");
        }
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(400, CODE, "Invalid request path: " + message + ".");
    }
}
