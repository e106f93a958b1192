package io.gatehouse.api.config;

import io.gatehouse.api.Problems;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Converts a parsed YAML scalar to the scalar type of a record component.
 *
 * <p>Every non-string type also accepts a string holding exactly its text ({@code "8080"}, {@code "true"}), because
 * {@code ${VAR}} substitution always yields strings. A string field accepts integers and booleans as their text, but
 * not floats, whose text YAML does not keep ({@code 1.10} reads as {@code 1.1}).
 */
final class ScalarConverter {
    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
    private static final Pattern DURATION = Pattern.compile("(?:" + DURATION_PART.pattern() + ")+");
    private static final Map<String, Long> DURATION_UNITS = Map.of(
            "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L,
            "h", 3_600_000_000_000L, "d", 86_400_000_000_000L);
    private static final String DURATION_EXAMPLE = "a duration like 500ms, 5s, 1m, 2h or 1h30m";

    private ScalarConverter() {
    }

    static boolean supports(Class<?> type) {
        return type == String.class || type == Duration.class || type.isEnum()
                || type == boolean.class || type == Boolean.class || type == int.class || type == Integer.class
                || type == long.class || type == Long.class || type == double.class || type == Double.class;
    }

    /** @return the converted value, or {@code null} after adding a problem at {@code path} */
    static Object convert(Object node, Class<?> type, String path, Problems problems) {
        try {
            if (node instanceof Map<?, ?> || node instanceof List<?>) {
                throw new IllegalArgumentException("expected " + expected(type) + ", got " + describe(node));
            }
            return convert(node, type);
        } catch (IllegalArgumentException e) {
            problems.add(path, e.getMessage());
            return null;
        }
    }

    private static Object convert(Object node, Class<?> type) {
        if (type == String.class) {
            return toText(node);
        }
        if (type == boolean.class || type == Boolean.class) {
            return toBoolean(node);
        }
        if (type == int.class || type == Integer.class) {
            return toInteger(node, BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE))
                    .intValue();
        }
        if (type == long.class || type == Long.class) {
            return toInteger(node, BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE))
                    .longValue();
        }
        if (type == double.class || type == Double.class) {
            return toDouble(node);
        }
        if (type == Duration.class) {
            return toDuration(node);
        }
        return toEnum(node, type);
    }

    private static String toText(Object node) {
        if (node instanceof String s) {
            return s;
        }
        if (node instanceof Integer || node instanceof Long || node instanceof BigInteger || node instanceof Boolean) {
            return node.toString();
        }
        throw new IllegalArgumentException("expected a string, got " + describe(node)
                + "; quote it to keep it as written");
    }

    private static Boolean toBoolean(Object node) {
        if (node instanceof Boolean b) {
            return b;
        }
        if (node instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.valueOf(s);
        }
        throw new IllegalArgumentException("expected true or false, got " + describe(node));
    }

    private static BigInteger toInteger(Object node, BigInteger min, BigInteger max) {
        BigInteger value;
        if (node instanceof Integer || node instanceof Long) {
            value = BigInteger.valueOf(((Number) node).longValue());
        } else if (node instanceof BigInteger b) {
            value = b;
        } else if (node instanceof String s && INTEGER.matcher(s.strip()).matches()) {
            value = new BigInteger(s.strip());
        } else {
            throw new IllegalArgumentException("expected an integer, got " + describe(node));
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException("must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    private static Double toDouble(Object node) {
        if (node instanceof Number n) {
            return n.doubleValue();
        }
        if (node instanceof String s && DECIMAL.matcher(s.strip()).matches()) {
            return Double.valueOf(s.strip());
        }
        throw new IllegalArgumentException("expected a number, got " + describe(node));
    }

    private static Duration toDuration(Object node) {
        if (node instanceof Number n && !(node instanceof Double) && n.longValue() == 0) {
            return Duration.ZERO;
        }
        if (node instanceof Number) {
            throw new IllegalArgumentException("a duration needs a unit (ms, s, m, h, d): write e.g. " + node
                    + "ms or " + node + "s");
        }
        if (!(node instanceof String s)) {
            throw new IllegalArgumentException("expected " + DURATION_EXAMPLE + ", got " + describe(node));
        }
        return parseDuration(s);
    }

    /**
     * Parses {@code 500ms}, {@code 5s}, {@code 1.5m}, {@code 2h}, {@code 1d}, {@code 1h30m}, or {@code 0}. A bare
     * number other than 0 is refused rather than guessed: {@code timeout: 500} means 500 ms to some readers and 500 s
     * to others.
     */
    static Duration parseDuration(String text) {
        String s = text.strip();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.startsWith("-")) {
            throw new IllegalArgumentException("must not be negative, got '" + text + "'");
        }
        if (INTEGER.matcher(s).matches() || DECIMAL.matcher(s).matches()) {
            throw new IllegalArgumentException("a duration needs a unit (ms, s, m, h, d): write e.g. " + s
                    + "ms or " + s + "s");
        }
        if (!DURATION.matcher(s).matches()) {
            throw new IllegalArgumentException("expected " + DURATION_EXAMPLE + ", got '" + text + "'");
        }
        BigDecimal nanos = BigDecimal.ZERO;
        Matcher part = DURATION_PART.matcher(s);
        while (part.find()) {
            nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(DURATION_UNITS.get(part.group(2)))));
        }
        BigInteger whole = nanos.toBigInteger();
        if (whole.bitLength() > 63) {
            throw new IllegalArgumentException("duration too long: '" + text + "'");
        }
        return Duration.ofNanos(whole.longValue());
    }

    private static Object toEnum(Object node, Class<?> type) {
        Object[] constants = type.getEnumConstants();
        if (node instanceof String s) {
            for (Object constant : constants) {
                if (configName((Enum<?>) constant).equalsIgnoreCase(s.strip())) {
                    return constant;
                }
            }
        }
        throw new IllegalArgumentException("expected " + expected(type) + ", got " + describe(node));
    }

    /** @return the enum constant as written in config: {@code LEAST_CONN} and {@code LeastConn} are {@code least_conn} */
    static String configName(Enum<?> constant) {
        String name = constant.name();
        return name.equals(name.toUpperCase()) ? name.toLowerCase() : RecordShape.snakeCase(name);
    }

    private static String expected(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == Duration.class) {
            return DURATION_EXAMPLE;
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants())
                    .map(c -> configName((Enum<?>) c)).collect(Collectors.joining(", "));
        }
        return "an integer";
    }

    /** @return the node as a human reads it in a message: {@code a map}, {@code 'abc'}, {@code 1.5}, {@code nothing} */
    static String describe(Object node) {
        if (node == null) {
            return "nothing";
        }
        if (node instanceof Map<?, ?>) {
            return "a map";
        }
        if (node instanceof List<?>) {
            return "a list";
        }
        return node instanceof String ? "'" + node + "'" : node.toString();
    }
}
