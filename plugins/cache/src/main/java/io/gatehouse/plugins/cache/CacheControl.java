package io.gatehouse.plugins.cache;

import io.gatehouse.api.Headers;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The directives of {@code Cache-Control} header fields (RFC 9111 section 5.2), by lower-case name; a directive
 * without a value maps to the empty string. Quoted values are unquoted; of repeated directives the first counts.
 */
record CacheControl(Map<String, String> directives) {

    static CacheControl of(List<String> fields) {
        Map<String, String> directives = new HashMap<>();
        for (String field : fields) {
            for (String part : splitOutsideQuotes(field)) {
                String item = part.strip();
                if (item.isEmpty()) {
                    continue;
                }
                int eq = item.indexOf('=');
                String name = (eq < 0 ? item : item.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
                String value = eq < 0 ? "" : unquote(item.substring(eq + 1).strip());
                directives.putIfAbsent(name, value);
            }
        }
        return new CacheControl(Map.copyOf(directives));
    }

    static CacheControl of(Headers headers) {
        return of(headers.all("Cache-Control"));
    }

    boolean has(String directive) {
        return directives.containsKey(directive);
    }

    /**
     * A delta-seconds directive ({@code max-age}, {@code s-maxage}).
     *
     * @return its value; {@code Duration.ZERO} when it is present but not a number (RFC 9111 section 4.2.1: treat
     *         an invalid lifetime as stale); empty when absent
     */
    Optional<Duration> seconds(String directive) {
        String value = directives.get(directive);
        if (value == null) {
            return Optional.empty();
        }
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.of(Duration.ZERO);
        }
        // more digits than a long holds: as good as forever (RFC 9111 section 1.2.2 caps it at 2^31)
        return Optional.of(Duration.ofSeconds(value.length() > 10 ? Integer.MAX_VALUE
                : Math.min(Long.parseLong(value), Integer.MAX_VALUE)));
    }

    /** An HTTP date (IMF-fixdate, or the obsolete RFC 850 and asctime forms read by the RFC 1123 parser), or empty. */
    static Optional<Instant> date(Headers headers, String name) {
        return headers.first(name).flatMap(CacheControl::date);
    }

    static Optional<Instant> date(String text) {
        try {
            return Optional.of(ZonedDateTime.parse(text.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    static String format(Instant instant) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atZone(java.time.ZoneOffset.UTC));
    }

    private static List<String> splitOutsideQuotes(String field) {
        List<String> parts = new java.util.ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                parts.add(field.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(field.substring(start));
        return parts;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
