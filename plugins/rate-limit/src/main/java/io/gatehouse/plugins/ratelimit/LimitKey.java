package io.gatehouse.plugins.ratelimit;

import io.gatehouse.api.Exchange;
import io.gatehouse.api.HttpTokens;
import io.gatehouse.api.Problems;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * What a policy counts separately: {@code global}, {@code ip}, {@code consumer}, {@code header:<name>},
 * {@code route}, or several joined with {@code +}. A request without a value (no consumer, no such header) is
 * counted under an explicit fallback value, {@value #ANONYMOUS} or {@value #NO_HEADER}, never left unlimited.
 */
final class LimitKey {

    /** The consumer of a request no authentication filter identified. */
    static final String ANONYMOUS = "-anonymous-";
    /** The value of a header the request does not carry. */
    static final String NO_HEADER = "-none-";
    /** Longer values are counted by their SHA-256, so a client cannot make keys of any size. */
    private static final int LONGEST = 128;

    private final List<String> parts;

    private LimitKey(List<String> parts) {
        this.parts = parts;
    }

    /** Reports what is wrong with a key spec. */
    static void validate(String spec, String path, Problems problems) {
        for (String part : spec.split("\\+", -1)) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.startsWith("header:")) {
                if (!HttpTokens.isToken(part.trim().substring(7))) {
                    problems.add(path, "'" + part + "' needs a header name: header:<name>");
                }
            } else if (!List.of("global", "ip", "consumer", "route").contains(p)) {
                problems.add(path, "unknown key '" + part + "': use global, ip, consumer, header:<name> or route, "
                        + "or several joined with '+' (consumer+route)");
            }
        }
    }

    static LimitKey parse(String spec) {
        List<String> parts = new ArrayList<>();
        for (String part : spec.split("\\+")) {
            String p = part.trim();
            parts.add(p.regionMatches(true, 0, "header:", 0, 7) ? "header:" + p.substring(7) : p.toLowerCase(Locale.ROOT));
        }
        return new LimitKey(List.copyOf(parts));
    }

    /** @return the request's value, e.g. {@code consumer=alice+route=orders} */
    String of(Exchange exchange) {
        StringBuilder key = new StringBuilder();
        for (String part : parts) {
            if (!key.isEmpty()) {
                key.append('+');
            }
            switch (part) {
                case "global" -> key.append("global");
                case "ip" -> key.append("ip=").append(exchange.clientIp());
                case "consumer" -> key.append("consumer=").append(exchange.consumer().orElse(ANONYMOUS));
                case "route" -> key.append("route=").append(exchange.routeId());
                default -> {
                    String name = part.substring(7);
                    String value = exchange.request().headers().first(name).orElse(NO_HEADER);
                    key.append("header:").append(name.toLowerCase(Locale.ROOT)).append('=').append(bounded(value));
                }
            }
        }
        return key.toString();
    }

    private static String bounded(String value) {
        if (value.length() <= LONGEST) {
            return value;
        }
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
