package io.gatehouse.core.script;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw query string as name/value pairs: reads decode ({@code +} is a space), writes encode only what changed so
 * parameters the script did not touch reach the upstream byte for byte.
 */
final class QueryString {

    private record Pair(String name, String raw) {
    }

    private QueryString() {
    }

    static String get(String rawQuery, String name) {
        List<String> all = all(rawQuery, name);
        return all.isEmpty() ? null : all.getFirst();
    }

    static List<String> all(String rawQuery, String name) {
        List<String> values = new ArrayList<>();
        for (Pair pair : parse(rawQuery)) {
            if (pair.name.equals(name)) {
                int eq = pair.raw.indexOf('=');
                values.add(eq < 0 ? "" : decode(pair.raw.substring(eq + 1)));
            }
        }
        return values;
    }

    static String set(String rawQuery, String name, String value) {
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

    static String remove(String rawQuery, String name) {
        List<String> out = new ArrayList<>();
        for (Pair pair : parse(rawQuery)) {
            if (!pair.name.equals(name)) {
                out.add(pair.raw);
            }
        }
        return String.join("&", out);
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
