package io.gatehouse.api;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and edits a raw query string ({@link Request#rawQuery()}) as name/value parameters, the one query parser of
 * the core and of plugins. Reads decode names and values ({@code +} is a space, percent-escapes as UTF-8; a value
 * that is not valid percent-encoding is returned as sent). Edits re-encode only what they change, so parameters
 * nobody touched reach the upstream byte for byte.
 *
 * @since 1.1.0
 */
public final class QueryString {

    private record Pair(String name, String raw) {
    }

    private QueryString() {
    }

    /**
     * @return the decoded value of the first parameter called {@code name} ({@code ""} for {@code ?name} without
     * {@code =}), or {@code null} when there is none
     */
    public static String first(String rawQuery, String name) {
        for (Pair pair : parse(rawQuery)) {
            if (pair.name.equals(name)) {
                return value(pair);
            }
        }
        return null;
    }

    /** @return the decoded values of every parameter called {@code name}, in order; empty when there is none */
    public static List<String> all(String rawQuery, String name) {
        List<String> values = new ArrayList<>();
        for (Pair pair : parse(rawQuery)) {
            if (pair.name.equals(name)) {
                values.add(value(pair));
            }
        }
        return values;
    }

    /**
     * @return the query with the first {@code name} parameter set to {@code value} (encoded) and any further ones
     * removed; appended when there was none
     */
    public static String set(String rawQuery, String name, String value) {
        String encoded = encode(name) + "=" + encode(value);
        List<String> out = new ArrayList<>();
        boolean placed = false;
        for (Pair pair : parse(rawQuery)) {
            if (!pair.name.equals(name)) {
                out.add(pair.raw);
            } else if (!placed) {
                out.add(encoded);
                placed = true;
            }
        }
        if (!placed) {
            out.add(encoded);
        }
        return String.join("&", out);
    }

    /** @return the query without any parameter called {@code name} */
    public static String remove(String rawQuery, String name) {
        List<String> out = new ArrayList<>();
        for (Pair pair : parse(rawQuery)) {
            if (!pair.name.equals(name)) {
                out.add(pair.raw);
            }
        }
        return String.join("&", out);
    }

    private static String value(Pair pair) {
        int eq = pair.raw.indexOf('=');
        return eq < 0 ? "" : decode(pair.raw.substring(eq + 1));
    }

    private static List<Pair> parse(String rawQuery) {
        List<Pair> pairs = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return pairs;
        }
        for (String raw : rawQuery.split("&")) {
            if (!raw.isEmpty()) {
                int eq = raw.indexOf('=');
                pairs.add(new Pair(decode(eq < 0 ? raw : raw.substring(0, eq)), raw));
            }
        }
        return pairs;
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
