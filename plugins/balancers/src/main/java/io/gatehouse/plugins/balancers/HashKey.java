package io.gatehouse.plugins.balancers;

import io.gatehouse.api.Exchange;
import io.gatehouse.api.QueryString;

import java.util.function.Function;

/** Reads the consistent-hash key of a request, as {@link ConsistentHashConfig} says; falls back to the client IP. */
final class HashKey {

    private HashKey() {
    }

    /**
     * @param config a valid config
     * @return a function giving every request a non-null key
     */
    static Function<Exchange, String> of(ConsistentHashConfig config) {
        String name = config.name();
        Function<Exchange, String> read = switch (config.key()) {
            case "header" -> exchange -> exchange.request().headers().first(name).orElse(null);
            case "cookie" -> exchange -> cookie(exchange, name);
            case "query" -> exchange -> QueryString.first(exchange.request().rawQuery(), name);
            case "path" -> exchange -> exchange.request().path();
            case "client_ip" -> Exchange::clientIp;
            default -> throw new IllegalArgumentException("unknown key " + config.key());
        };
        return exchange -> {
            String key = read.apply(exchange);
            return key != null ? key : exchange.clientIp();
        };
    }

    /** The first cookie of that name over every {@code Cookie} header ({@code a=1; b=2}), or null. */
    static String cookie(Exchange exchange, String name) {
        for (String header : exchange.request().headers().all("Cookie")) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
                    String value = pair.substring(eq + 1).strip();
                    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                            ? value.substring(1, value.length() - 1) : value;
                }
            }
        }
        return null;
    }
}
