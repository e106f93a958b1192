package io.gatehouse.plugins.grpc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.ByteBuffer;

/**
 * A {@code google.api.http} path template ({@code /v1/{name=shelves/*}/books/{book}:verb}), matched against request
 * paths. The grammar is google/api/http.proto's:
 * <pre>
 * Template = "/" Segments [ Verb ] ;   Segments = Segment { "/" Segment } ;
 * Segment  = "*" | "**" | LITERAL | Variable ;   Variable = "{" FieldPath [ "=" Segments ] "}" ;
 * </pre>
 * A variable's value is percent-decoded: wholly for a single-segment variable ({@code {name}}, {@code {name=*}}),
 * every escape but {@code %2F} for one spanning several segments ({@code {name=shelves/*}}, {@code {name=**}}), as
 * Envoy's transcoder and the spec do.
 */
final class PathTemplate {

    private enum Kind { LITERAL, STAR, DOUBLE_STAR }

    private record Segment(Kind kind, String literal) {
    }

    /** A variable: its field path, and the segments [start, end) of the template it covers. */
    private record Variable(String fieldPath, int start, int end) {
        boolean singleSegment(List<Segment> segments) {
            return end - start == 1 && segments.get(start).kind == Kind.STAR;
        }
    }

    private final String text;
    private final List<Segment> segments = new ArrayList<>();
    private final List<Variable> variables = new ArrayList<>();
    private final String verb;

    private PathTemplate(String text) {
        this.text = text;
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("path template '" + text + "' must start with '/'");
        }
        List<String> parts = splitTopLevel(text.substring(1));
        // the verb follows the last segment: after its closing brace when it is a variable
        String last = parts.getLast();
        int colon = last.indexOf(':', last.lastIndexOf('}') + 1);
        String verb = null;
        if (colon >= 0) {
            verb = last.substring(colon + 1);
            parts.set(parts.size() - 1, last.substring(0, colon));
            if (verb.isEmpty()) {
                throw new IllegalArgumentException("path template '" + text + "' has an empty verb");
            }
        }
        this.verb = verb;
        parseSegments(parts);
    }

    /**
     * @param text a template from an {@code HttpRule}
     * @throws IllegalArgumentException if it is not a valid template
     */
    static PathTemplate parse(String text) {
        return new PathTemplate(text);
    }

    private void parseSegments(List<String> parts) {
        if (parts.size() == 1 && parts.getFirst().isEmpty()) {
            return;
        }
        for (String part : parts) {
            if (part.startsWith("{")) {
                if (!part.endsWith("}")) {
                    throw new IllegalArgumentException("path template '" + text + "' has text after a variable");
                }
                String inside = part.substring(1, part.length() - 1);
                int eq = inside.indexOf('=');
                String field = eq < 0 ? inside : inside.substring(0, eq);
                if (!field.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*")) {
                    throw new IllegalArgumentException("path template '" + text + "' has an invalid field path '"
                            + field + "'");
                }
                int start = segments.size();
                if (eq < 0) {
                    segments.add(new Segment(Kind.STAR, null));
                } else {
                    for (String inner : inside.substring(eq + 1).split("/", -1)) {
                        segments.add(segment(inner));
                    }
                }
                variables.add(new Variable(field, start, segments.size()));
            } else {
                segments.add(segment(part));
            }
        }
        for (int i = 0; i < segments.size() - 1; i++) {
            if (segments.get(i).kind == Kind.DOUBLE_STAR) {
                throw new IllegalArgumentException("path template '" + text + "': '**' must be the last segment");
            }
        }
    }

    /** Splits at the slashes that are not inside a variable's braces. */
    private List<String> splitTopLevel(String body) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            } else if (c == '/' && depth == 0) {
                parts.add(body.substring(from, i));
                from = i + 1;
            }
            if (depth < 0 || depth > 1) {
                throw new IllegalArgumentException("path template '" + text + "' has unbalanced braces");
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException("path template '" + text + "' has an unclosed '{'");
        }
        parts.add(body.substring(from));
        return parts;
    }

    private Segment segment(String part) {
        if (part.equals("*")) {
            return new Segment(Kind.STAR, null);
        }
        if (part.equals("**")) {
            return new Segment(Kind.DOUBLE_STAR, null);
        }
        if (part.isEmpty() || part.contains("{") || part.contains("}") || part.contains("*")) {
            throw new IllegalArgumentException("path template '" + text + "' has an invalid segment '" + part + "'");
        }
        return new Segment(Kind.LITERAL, part);
    }

    /** @return the template as written */
    String text() {
        return text;
    }

    /** @return how many literal segments it has (more literals: a more specific template) */
    int literals() {
        return (int) segments.stream().filter(s -> s.kind == Kind.LITERAL).count() + (verb == null ? 0 : 1);
    }

    /** @return the field paths of the variables, in order */
    List<String> fieldPaths() {
        return variables.stream().map(Variable::fieldPath).toList();
    }

    /**
     * Matches a request path.
     *
     * @param path the request path as the gateway holds it: unreserved characters decoded, other escapes kept
     * @return field path → decoded value of each variable, or {@code null} when the path does not match (or holds an
     * escape that is not UTF-8)
     */
    Map<String, String> match(String path) {
        if (!path.startsWith("/")) {
            return null;
        }
        String rest = path.substring(1);
        if (verb != null) {
            String suffix = ":" + verb;
            if (!rest.endsWith(suffix)) {
                return null;
            }
            rest = rest.substring(0, rest.length() - suffix.length());
        }
        String[] parts = rest.isEmpty() ? new String[0] : rest.split("/", -1);
        boolean last = !segments.isEmpty() && segments.getLast().kind == Kind.DOUBLE_STAR;
        int fixed = last ? segments.size() - 1 : segments.size();
        if (last ? parts.length < fixed : parts.length != fixed) {
            return null;
        }
        for (int i = 0; i < fixed; i++) {
            Segment segment = segments.get(i);
            if (parts[i].isEmpty()) {
                return null;
            }
            if (segment.kind == Kind.LITERAL && !segment.literal.equals(decode(parts[i], false))) {
                return null;
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Variable variable : variables) {
            int from = variable.start;
            int to = variable.end == segments.size() && last ? parts.length : variable.end;
            String raw = String.join("/", java.util.Arrays.asList(parts).subList(from, to));
            String value = decode(raw, !variable.singleSegment(segments));
            if (value == null) {
                return null;
            }
            values.put(variable.fieldPath, value);
        }
        return values;
    }

    /**
     * Percent-decodes as UTF-8.
     *
     * @param keepSlash keep {@code %2F} as it is (multi-segment variables)
     * @return the text, or {@code null} when an escape is malformed or the bytes are not UTF-8
     */
    static String decode(String raw, boolean keepSlash) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                int b = hi * 16 + lo;
                if (keepSlash && b == '/') {
                    bytes.writeBytes(raw.substring(i, i + 3).getBytes(StandardCharsets.US_ASCII));
                } else {
                    bytes.write(b);
                }
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
