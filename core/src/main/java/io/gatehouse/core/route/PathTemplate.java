package io.gatehouse.core.route;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A route's path template, written decoded: static segments, {@code :name} segments that match exactly one
 * non-empty segment, and an optional final {@code *name} catch-all that matches zero or more remaining segments.
 *
 * <p>Request paths are matched in the canonical wire form of {@link PathNormalizer#normalize(String)}, so static
 * segments are held in that form too: {@code /café menu} matches the request path {@code /caf%C3%A9%20menu}. A
 * reserved character written literally matches only itself: {@code /v;1} matches {@code /v;1}, not
 * {@code /v%3B1}, which an upstream may read differently. Parameter values are captured in wire form as well:
 * {@code /users/:id} on {@code /users/a%3Bb} gives {@code id = "a%3Bb"}.
 *
 * <ul>
 *   <li>A trailing slash is insignificant: {@code /a/} is the same template as {@code /a}, and both match the
 *       request paths {@code /a} and {@code /a/}.</li>
 *   <li>{@code /files/*rest} matches {@code /files} and {@code /files/} with {@code rest = ""}, and
 *       {@code /files/a/b/} with {@code rest = "a/b/"}: the rest of the path without its leading slash,
 *       trailing slash included.</li>
 *   <li>Parameter names are {@code [A-Za-z_][A-Za-z0-9_]*} and unique within a template.</li>
 *   <li>Empty segments ({@code //}), dot segments, {@code %}, {@code \}, {@code ?} and {@code #} are refused:
 *       a template is written decoded, and a normalised request path never holds the others, so such a template
 *       could never match (a segment with a kept escape such as {@code %3B} is matched by a parameter).</li>
 * </ul>
 * Instances are immutable.
 */
public final class PathTemplate {

    enum Kind { STATIC, PARAM, CATCH_ALL }

    /** One segment: the literal text in wire form for {@code STATIC}, the parameter name otherwise. */
    record Segment(Kind kind, String value) {
    }

    private final String template;
    private final List<Segment> segments;

    private PathTemplate(String template, List<Segment> segments) {
        this.template = template;
        this.segments = List.copyOf(segments);
    }

    /**
     * Parses a template.
     *
     * @param template the template, e.g. {@code /api/users/:id} or {@code /static/*rest}
     * @return the parsed template
     * @throws IllegalArgumentException with the same message {@link #problem(String)} gives
     */
    public static PathTemplate parse(String template) {
        List<Segment> segments = new ArrayList<>();
        String problem = parseInto(template, segments);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return new PathTemplate(template, segments);
    }

    /**
     * Checks a template without building anything, for config validation.
     *
     * @param template the template
     * @return what is wrong with it, naming the template and the segment, or empty if it is valid
     */
    public static Optional<String> problem(String template) {
        return Optional.ofNullable(parseInto(template, new ArrayList<>()));
    }

    /**
     * The parameter names of a template, e.g. to check that a rewrite target only uses parameters that the match
     * path captures.
     *
     * @param template the template
     * @return the {@code :name} and {@code *name} names in template order, unmodifiable
     * @throws IllegalArgumentException if the template is invalid
     */
    public static Set<String> params(String template) {
        return parse(template).paramNames();
    }

    /** @return the template as written */
    public String template() {
        return template;
    }

    /** @return the parameter names in template order, unmodifiable */
    public Set<String> paramNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Segment segment : segments) {
            if (segment.kind() != Kind.STATIC) {
                names.add(segment.value());
            }
        }
        return java.util.Collections.unmodifiableSet(names);
    }

    /**
     * Fills the parameters in, e.g. for a rewrite target {@code /users/:id}. Static segments and captured values
     * are both in wire form, so the result is too: a kept escape in a value ({@code a%3Bb}) is carried over as it
     * was sent, never decoded or encoded again. An empty catch-all value drops its segment: {@code /static/*rest}
     * with {@code rest = ""} gives {@code /static}.
     *
     * @param values parameter values by name, as captured by a {@link Match.Found}
     * @return the path
     * @throws IllegalArgumentException if a parameter of this template has no value
     */
    public String expand(Map<String, String> values) {
        StringBuilder out = new StringBuilder(template.length() + 16);
        for (Segment segment : segments) {
            if (segment.kind() == Kind.STATIC) {
                out.append('/').append(segment.value());
                continue;
            }
            String value = values.get(segment.value());
            if (value == null) {
                throw new IllegalArgumentException("path template '" + template + "': no value for parameter '"
                        + segment.value() + "'");
            }
            if (!value.isEmpty()) {
                out.append('/').append(value);
            }
        }
        return out.isEmpty() ? "/" : out.toString();
    }

    List<Segment> segments() {
        return segments;
    }

    @Override
    public String toString() {
        return template;
    }

    private static final char[] FORBIDDEN = {'%', '\\', '?', '#'};

    /** Parses into {@code out}; returns the problem, or null if the template is valid. */
    private static String parseInto(String template, List<Segment> out) {
        if (template == null || !template.startsWith("/")) {
            return "path template '" + template + "' must start with '/'";
        }
        String body = template.length() > 1 && template.endsWith("/")
                ? template.substring(1, template.length() - 1)
                : template.substring(1);
        if (body.isEmpty()) {
            return null;
        }
        String[] parts = body.split("/", -1);
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < parts.length; i++) {
            Segment segment = parts[i].isEmpty() ? null : segmentOf(parts[i]);
            String problem = segmentProblem(parts[i], segment, i == parts.length - 1, names);
            if (problem != null) {
                return "path template '" + template + "', segment " + (i + 1) + " '" + parts[i] + "': " + problem;
            }
            out.add(segment);
        }
        return null;
    }

    /** @param segment the part parsed ({@link #segmentOf}), null when the part is empty */
    private static String segmentProblem(String part, Segment segment, boolean last, Set<String> names) {
        if (part.isEmpty()) {
            return "empty segment ('//')";
        }
        for (char c : FORBIDDEN) {
            if (part.indexOf(c) >= 0) {
                return "'" + c + "' is not allowed; write the template decoded, without query or fragment";
            }
        }
        if (part.equals(".") || part.equals("..")) {
            return "dot segments never match a normalised path";
        }
        if (segment.kind() == Kind.STATIC) {
            return null;
        }
        String name = segment.value();
        if (name.isEmpty()) {
            return "empty parameter name";
        }
        if (!isName(name)) {
            return "parameter name '" + name + "' must match [A-Za-z_][A-Za-z0-9_]*";
        }
        if (segment.kind() == Kind.CATCH_ALL && !last) {
            return "a catch-all '*" + name + "' must be the last segment";
        }
        if (!names.add(name)) {
            return "duplicate parameter name '" + name + "'";
        }
        return null;
    }

    private static Segment segmentOf(String part) {
        return switch (part.charAt(0)) {
            case ':' -> new Segment(Kind.PARAM, part.substring(1));
            case '*' -> new Segment(Kind.CATCH_ALL, part.substring(1));
            default -> new Segment(Kind.STATIC, PathNormalizer.encode(part));
        };
    }

    private static boolean isName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            if (!letter && !(i > 0 && c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }
}
