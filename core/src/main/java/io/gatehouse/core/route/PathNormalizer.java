package io.gatehouse.core.route;

import io.gatehouse.api.GatewayException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Turns the raw request path into the one normalised path that routing, auth and the upstream all see. It runs
 * once per request, before matching; because filters decide on its result, it rejects anything that could be read
 * two ways rather than guess.
 *
 * <p>The result is in <em>canonical wire form</em> (RFC 3986 §6.2.2): only what every server reads the same way is
 * decoded, everything else stays percent-encoded, so the route decision is made on exactly the bytes the upstream
 * receives. {@link #normalize(String)}, in order:
 * <ol>
 *   <li>the path must start with {@code /};</li>
 *   <li>an escape of an <em>unreserved</em> character (ALPHA, DIGIT, {@code - . _ ~}) is decoded: {@code %61} is
 *       {@code a}, {@code %2e%2e} is {@code ..}, {@code %7E} is {@code ~};</li>
 *   <li>every other escape is kept, with upper-case hex: {@code %3b} is {@code %3B}, never {@code ;} — decoded it
 *       would be a path parameter for a servlet container, so {@code /admin%3b/x} would reach it as
 *       {@code /admin;/x}, read as {@code /admin/x}. {@code %25} stays {@code %25}: one level of decoding, never
 *       two;</li>
 *   <li>escapes of bytes {@code >= 0x80} must form valid UTF-8 and are kept encoded; invalid UTF-8, including
 *       overlong forms such as {@code %c0%ae}, is rejected. A raw character {@code >= 0x80} is rejected: the
 *       bytes it came from are not known for sure;</li>
 *   <li>a raw ASCII character that may not appear in a path ({@code "}, space, {@code < > [ ] { } | ^ `}) is
 *       percent-encoded, so it and its escape are one path;</li>
 *   <li>an encoded slash {@code %2F} is rejected: decoded it would change the segment structure, kept encoded
 *       the gateway and the upstream could disagree about it;</li>
 *   <li>a backslash, literal or {@code %5C}, is rejected: some servers treat it as a separator, a classic way
 *       to smuggle {@code ..\} past a prefix check;</li>
 *   <li>control characters (C0, DEL, C1), literal or encoded (including {@code %00} and {@code %C2%85}), are
 *       rejected;</li>
 *   <li>runs of {@code /} collapse to one, before dot segments are resolved;</li>
 *   <li>{@code .} and {@code ..} segments are resolved (RFC 3986 remove_dot_segments); a {@code ..} that would
 *       climb above the root is rejected, as is a dot segment with a parameter ({@code ..;x}, {@code ..%3Bx}),
 *       which servlet containers resolve as {@code ..};</li>
 *   <li>a trailing slash is kept: {@code /a/b/} stays {@code /a/b/}; a path ending in a dot segment ends
 *       with a slash ({@code /a/b/..} is {@code /a/}).</li>
 * </ol>
 * Every rejection is a {@link GatewayException} with status 400 and code {@code invalid_path}. The result is pure
 * ASCII, and normalising it again gives it back unchanged.
 *
 * <p>{@link #encode(String)} turns a path that filters may have changed back into wire form for the upstream:
 * {@code encode(p)} is {@code p}, and {@code normalize(encode(p)).equals(p)}, for every normalised {@code p}.
 */
public final class PathNormalizer {

    private static final String CODE = "invalid_path";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathNormalizer() {
    }

    /**
     * Normalises a raw request path into canonical wire form.
     *
     * @param rawPath the path as received, still percent-encoded, without the query
     * @return the normalised path; starts with {@code /}, ASCII only
     * @throws GatewayException 400 {@code invalid_path} saying what was wrong, for the reasons listed on the class
     */
    public static String normalize(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw invalid("the path must start with '/'");
        }
        return removeDotSegments(canonical(rawPath));
    }

    /**
     * Percent-encodes a path for the request line to the upstream. Keeps {@code /}, the RFC 3986 {@code pchar}
     * characters (unreserved, sub-delims, {@code :} and {@code @}) and every {@code %XX} escape (with upper-case
     * hex, never encoding its {@code %} again); encodes everything else as UTF-8 bytes, e.g. {@code /a b} becomes
     * {@code /a%20b}, {@code /ü} becomes {@code /%C3%BC} and {@code /100%} becomes {@code /100%25}. A {@code %}
     * followed by two hex digits is always an escape: a filter that means a literal {@code %} writes {@code %25}.
     *
     * @param path a normalised path, or one a filter, rewrite or script wrote
     * @return the path in wire form; the same string when it already is
     */
    public static String encode(String path) {
        if (isWireForm(path)) {
            return path;
        }
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            if (b == '%' && i + 2 < bytes.length && hexValue(bytes[i + 1]) >= 0 && hexValue(bytes[i + 2]) >= 0) {
                appendEscaped(out, hexValue(bytes[i + 1]) << 4 | hexValue(bytes[i + 2]));
                i += 2;
            } else if (b < 0x80 && isPathChar((char) b)) {
                out.append((char) b);
            } else {
                appendEscaped(out, b);
            }
        }
        return out.toString();
    }

    private static boolean isWireForm(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%') {
                if (i + 2 >= path.length() || !isUpperHex(path.charAt(i + 1)) || !isUpperHex(path.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (c >= 0x80 || !isPathChar(c)) {
                return false;
            }
        }
        return true;
    }

    /** One pass over the raw path: decodes unreserved escapes, upper-cases the others, encodes raw non-pchars. */
    private static String canonical(String raw) {
        StringBuilder out = null;
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c == '%') {
                out = out != null ? out : new StringBuilder(raw.length() + 8).append(raw, 0, i);
                i = appendCanonicalEscape(raw, i, out);
                continue;
            }
            checkRaw(c, i);
            if (!isPathChar(c)) {
                out = out != null ? out : new StringBuilder(raw.length() + 8).append(raw, 0, i);
                appendEscaped(out, c);
            } else if (out != null) {
                out.append(c);
            }
            i++;
        }
        return out == null ? raw : out.toString();
    }

    /** Appends the escape at {@code at} (or the UTF-8 sequence it starts) in canonical form; returns where it ends. */
    private static int appendCanonicalEscape(String raw, int at, StringBuilder out) {
        int b = escapedByte(raw, at);
        if (b >= 0x80) {
            return appendUtf8Escapes(raw, at, out);
        }
        if (b == '/') {
            throw invalid("an encoded slash (%2F) is not allowed in the path");
        }
        checkRaw((char) b, at);
        if (isUnreserved((char) b)) {
            out.append((char) b);
        } else {
            appendEscaped(out, b);
        }
        return at + 3;
    }

    /** A multi-byte UTF-8 character spans several escapes, so the whole run of non-ASCII escapes is checked at once. */
    private static int appendUtf8Escapes(String raw, int at, StringBuilder out) {
        byte[] run = new byte[(raw.length() - at) / 3];
        int len = 0;
        int end = at;
        while (end < raw.length() && raw.charAt(end) == '%') {
            int b = escapedByte(raw, end);
            if (b < 0x80) {
                break;
            }
            run[len++] = (byte) b;
            end += 3;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(run, 0, len)).toString();
        } catch (CharacterCodingException e) {
            throw invalid("the percent-encoded bytes at offset " + at + " are not valid UTF-8");
        }
        for (int i = 0; i < text.length(); i++) {
            checkControl(text.charAt(i));
        }
        for (int i = 0; i < len; i++) {
            appendEscaped(out, run[i] & 0xFF);
        }
        return end;
    }

    private static int escapedByte(String raw, int at) {
        int hi = at + 1 < raw.length() ? hexValue(raw.charAt(at + 1)) : -1;
        int lo = at + 2 < raw.length() ? hexValue(raw.charAt(at + 2)) : -1;
        if (hi < 0 || lo < 0) {
            String seen = raw.substring(at, Math.min(at + 3, raw.length()));
            throw invalid("malformed percent-escape '" + seen + "' at offset " + at + "; expected '%' and two hex digits");
        }
        return hi << 4 | lo;
    }

    /** Refuses what may not appear in a path, whether sent raw or decoded from an ASCII escape. */
    private static void checkRaw(char c, int at) {
        if (c == '\\') {
            throw invalid("a backslash (literal or %5C) is not allowed in the path");
        }
        checkControl(c);
        if (c >= 0x80) {
            throw invalid("a raw non-ASCII character at offset " + at + " is not allowed; send it percent-encoded "
                    + "as UTF-8");
        }
    }

    private static void checkControl(char c) {
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
            throw invalid(String.format("control character U+%04X is not allowed in the path", (int) c));
        }
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static boolean isPathChar(char c) {
        return isUnreserved(c) || "!$&'()*+,;=:@/".indexOf(c) >= 0;
    }

    private static boolean isUpperHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }

    /** ASCII hex only: {@link Character#digit} would also take other scripts' digits. */
    private static int hexValue(int c) {
        return c >= '0' && c <= '9' ? c - '0'
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : -1;
    }

    private static void appendEscaped(StringBuilder out, int b) {
        out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
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

    /** {@code ..;x} and {@code ..%3Bx}: a servlet container may drop the parameter and resolve the {@code ..}. */
    private static void checkNoDotParameter(String path, int start, int end) {
        int dots = 0;
        while (start + dots < end && path.charAt(start + dots) == '.') {
            dots++;
        }
        int after = start + dots;
        if (dots > 0 && dots <= 2 && after < end
                && (path.charAt(after) == ';' || path.startsWith("%3B", after))) {
            throw invalid("a dot segment with a parameter ('" + path.substring(start, end) + "') is not allowed");
        }
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(400, CODE, "Invalid request path: " + message + ".");
    }
}
