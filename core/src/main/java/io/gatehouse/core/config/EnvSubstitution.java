package io.gatehouse.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:default}} in the string scalars of a parsed YAML tree. It runs after
 * parsing, so a variable's value is always a plain string and can never add YAML structure. Map keys are left
 * alone.
 *
 * <ul>
 *   <li>{@code ${NAME:default}} takes the default when {@code NAME} is unset or empty; the default runs to the first
 *       <code>}</code> and cannot itself hold a reference.
 *   <li><code>$${</code> is a literal <code>${</code>; any other <code>$</code> is kept as is.
 *   <li>An unset variable without a default is a problem at the scalar's path.
 * </ul>
 */
final class EnvSubstitution {
    /** Stands for a scalar that could not be substituted, so the binder does not report it a second time. */
    static final Object UNRESOLVED = new Object() {
        @Override
        public String toString() {
            return "<unresolved>";
        }
    };
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvSubstitution() {
    }

    /**
     * @return {@code node} with every string scalar substituted: a copy of each map and list that holds a {@code $}
     *         somewhere, the same map or list where none does (nothing downstream changes the tree)
     */
    static Object apply(Object node, Map<String, String> env, String path, List<Problem> problems) {
        return apply(node, env, path, problems, null);
    }

    /**
     * @param substituted where the paths of the scalars holding a reference ({@code ${...}}, not {@code $${}) are
     *                    added; {@code null} for none
     * @return {@code node} with every string scalar substituted, as {@link #apply(Object, Map, String, List)}
     */
    static Object apply(Object node, Map<String, String> env, String path, List<Problem> problems,
                        java.util.Set<String> substituted) {
        if (!holdsDollar(node)) {
            return node;
        }
        // a child's path is made only for a child that needs it: most have no '$'
        if (node instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((key, value) -> out.put(key, !holdsDollar(value) ? value
                    : apply(value, env, ConfigPath.key(path, String.valueOf(key)), problems, substituted)));
            return out;
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                out.add(!holdsDollar(item) ? item : apply(item, env, ConfigPath.index(path, i), problems, substituted));
            }
            return out;
        }
        if (node instanceof String s && s.indexOf('$') >= 0) {
            if (substituted != null && s.replace("$${", "").contains("${")) {
                substituted.add(path);
            }
            return substitute(s, (name, fallback) -> resolve(name, fallback, env, path, problems), path, problems);
        }
        return node;
    }

    /** @return whether some string in {@code node} (a map's keys aside) has a {@code $}: what substitution reads */
    private static boolean holdsDollar(Object node) {
        if (node instanceof Map<?, ?> map) {
            for (Object value : map.values()) {
                if (holdsDollar(value)) {
                    return true;
                }
            }
            return false;
        }
        if (node instanceof List<?> list) {
            for (Object item : list) {
                if (holdsDollar(item)) {
                    return true;
                }
            }
            return false;
        }
        return node instanceof String s && s.indexOf('$') >= 0;
    }

    /**
     * @param text a scalar or a whole config text
     * @return the names of the variables its {@code ${NAME}} and {@code ${NAME:default}} references name, read as
     *         substitution reads them ({@code $${} is a literal)
     */
    static java.util.Set<String> references(String text) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        substitute(text, (name, fallback) -> {
            names.add(name);
            return "";
        }, "", new ArrayList<>());
        return names;
    }

    /** Gives the value of a reference ({@code null}: unresolved, a problem was added). */
    @FunctionalInterface
    private interface Resolver {
        String resolve(String name, String fallback);
    }

    private static Object substitute(String text, Resolver resolver, String path, List<Problem> problems) {
        StringBuilder out = new StringBuilder(text.length());
        boolean failed = false;
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    problems.add(new Problem(path, "unclosed '${' (write $${ for a literal ${)"));
                    return UNRESOLVED;
                }
                String body = text.substring(i + 2, end);
                int colon = body.indexOf(':');
                String name = colon < 0 ? body : body.substring(0, colon);
                String value = resolver.resolve(name, colon < 0 ? null : body.substring(colon + 1));
                failed |= value == null;
                out.append(value == null ? "" : value);
                i = end + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return failed ? UNRESOLVED : out.toString();
    }

    private static String resolve(String name, String fallback, Map<String, String> env, String path,
                                  List<Problem> problems) {
        if (!NAME.matcher(name).matches()) {
            problems.add(new Problem(path, "'" + name + "' is not a variable name (letters, digits and _; "
                    + "write $${ for a literal ${)"));
            return null;
        }
        String value = env.get(name);
        if (fallback != null && (value == null || value.isEmpty())) {
            return fallback;
        }
        if (value == null) {
            problems.add(new Problem(path, "environment variable " + name + " is not set"));
        }
        return value;
    }
}
