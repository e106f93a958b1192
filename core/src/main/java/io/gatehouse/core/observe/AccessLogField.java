package io.gatehouse.core.observe;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The fields an access log line may carry, in the order they are written; {@link #key()} is the JSON key. */
public enum AccessLogField {
    /** When the exchange completed, ISO-8601 UTC. */
    TIME,
    /** The request id ({@code X-Request-Id}). */
    REQUEST_ID,
    /** The W3C trace id, as sent upstream in {@code traceparent}. */
    TRACE_ID,
    /** The id of the gateway's server span. */
    SPAN_ID,
    /** The route id; empty when no route matched. */
    ROUTE,
    /** The request method. */
    METHOD,
    /** The normalised path the client asked for, without the query. */
    PATH,
    /** The path sent upstream, after rewrites. */
    UPSTREAM_PATH,
    /** The status the client got. */
    STATUS,
    /** {@code ok}, {@code client_aborted} or {@code upstream_failed}. */
    OUTCOME,
    /** The upstream endpoint of the last attempt, or null. */
    UPSTREAM,
    /** How many upstream attempts were made (retries included). */
    ATTEMPTS,
    /** Request body bytes read from the client. */
    BYTES_IN,
    /** Response body bytes written to the client. */
    BYTES,
    /** From the request head to the last byte, in milliseconds. */
    DURATION_MS,
    /** The client's address. */
    CLIENT_IP,
    /** The authenticated consumer and its credential kind, when there is one. */
    CONSUMER,
    /** The {@code grpc-status} a gRPC client got in the response's trailers, for gRPC calls. */
    GRPC_STATUS,
    /** What broke the exchange, when something did. */
    ERROR;

    private final String key = name().toLowerCase(Locale.ROOT);

    /** @return the JSON key, e.g. {@code trace_id} */
    public String key() {
        return key;
    }

    /** @return the field with that key, or {@code null} */
    public static AccessLogField of(String key) {
        for (AccessLogField field : values()) {
            if (field.key.equals(key)) {
                return field;
            }
        }
        return null;
    }

    /** @return the keys, for error messages */
    public static String keys() {
        return Arrays.stream(values()).map(AccessLogField::key).collect(Collectors.joining(", "));
    }

    /** @return the fields named, every field for {@code null}; unknown names are left out (validated before) */
    public static Set<AccessLogField> of(List<String> keys) {
        if (keys == null) {
            return EnumSet.allOf(AccessLogField.class);
        }
        EnumSet<AccessLogField> fields = EnumSet.noneOf(AccessLogField.class);
        for (String key : keys) {
            AccessLogField field = of(key);
            if (field != null) {
                fields.add(field);
            }
        }
        return fields;
    }
}
