package io.gatehouse.plugins.grpc;

import io.gatehouse.api.Exchange;
import io.gatehouse.api.Headers;
import io.grpc.Metadata;
import io.grpc.Status;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What passes between HTTP headers and gRPC metadata on a proxied call: request headers → the call's metadata,
 * response metadata → headers and trailers, the call's status → {@code grpc-status} and {@code grpc-message}, and
 * the client's {@code grpc-timeout}.
 */
final class CallMetadata {

    /**
     * Request headers that are not the call's metadata: they describe the HTTP/2 (or HTTP/1.1) message and the hop,
     * which grpc-java makes again for the upstream, or a deadline and compression the gateway handles itself.
     */
    private static final Set<String> NOT_METADATA = Set.of("connection", "keep-alive", "te", "trailer",
            "transfer-encoding", "upgrade", "host", "content-type", "content-length", "content-encoding",
            "accept-encoding", "expect", "user-agent", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding",
            // the gateway's own, below, from what it knows of the client
            "forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-real-ip");
    /** Response metadata that is not passed back: the gateway writes its own framing and sends uncompressed. */
    private static final Set<String> NOT_RESPONSE_HEADERS = Set.of("content-type", "content-length", "grpc-encoding",
            "grpc-accept-encoding", "grpc-status", "grpc-message", "te", "trailer", "transfer-encoding",
            "connection", "keep-alive", "upgrade");
    private static final Pattern TIMEOUT = Pattern.compile("([0-9]{1,8})([HMSmun])");
    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();

    private CallMetadata() {
    }

    /**
     * The client's {@code grpc-timeout} (1 to 8 digits and a unit: {@code H M S m u n}).
     *
     * @return the timeout, or empty when absent or malformed (the route timeout applies then, as in Envoy)
     */
    static Optional<Duration> timeout(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher matcher = TIMEOUT.matcher(header.trim());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        long value = Long.parseLong(matcher.group(1));
        return Optional.of(switch (matcher.group(2)) {
            case "H" -> Duration.ofHours(value);
            case "M" -> Duration.ofMinutes(value);
            case "S" -> Duration.ofSeconds(value);
            case "m" -> Duration.ofMillis(value);
            case "u" -> Duration.ofNanos(value * 1000);
            default -> Duration.ofNanos(value);
        });
    }

    /**
     * The metadata sent upstream: every request header but those of the HTTP message and hop, the client's
     * {@code X-Forwarded-*}, {@code Forwarded} and {@code X-Real-IP} replaced with the gateway's own, and
     * {@code -bin} headers decoded from base64. A header that is no valid metadata (a name with upper-case
     * characters grpc does not allow, a {@code -bin} value that is not base64) is left out.
     */
    static Metadata request(Exchange exchange) {
        Headers headers = exchange.request().headers();
        Metadata metadata = new Metadata();
        headers.forEach((name, value) -> {
            String key = name.toLowerCase(Locale.ROOT);
            // grpc-* names are gRPC's own (a client's grpc-status is no metadata); an ASCII value must be printable
            // ASCII (grpc-java would turn anything else into '?': such a value goes in a -bin header)
            if (key.startsWith(":") || key.startsWith("proxy-") || key.startsWith("grpc-")
                    || NOT_METADATA.contains(key)
                    || (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX) && !printableAscii(value))) {
                return;
            }
            try {
                if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                    Metadata.Key<byte[]> binary = Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER);
                    for (String part : value.split(",")) {
                        metadata.put(binary, Base64.getDecoder().decode(part.trim()));
                    }
                } else {
                    metadata.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);
                }
            } catch (IllegalArgumentException e) {
                // not valid metadata: left out, as a grpc client could not have sent it
            }
        });
        put(metadata, "x-forwarded-for", exchange.clientIp());
        put(metadata, "x-real-ip", exchange.clientIp());
        put(metadata, "x-forwarded-proto", exchange.request().scheme());
        String host = headers.first("Host").orElse("");
        if (!host.isEmpty()) {
            put(metadata, "x-forwarded-host", host);
        }
        return metadata;
    }

    private static boolean printableAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    private static void put(Metadata metadata, String key, String value) {
        metadata.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);
    }

    /** Adds response metadata (headers or trailers) to HTTP headers; {@code -bin} values base64-encoded. */
    static void addTo(Headers headers, Metadata metadata) {
        for (String key : metadata.keys()) {
            if (NOT_RESPONSE_HEADERS.contains(key) || key.startsWith(":")) {
                continue;
            }
            try {
                if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                    for (byte[] value : metadata.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER))) {
                        headers.add(key, BASE64.encodeToString(value));
                    }
                } else {
                    for (String value : metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER))) {
                        headers.add(key, value);
                    }
                }
            } catch (IllegalArgumentException e) {
                // a value HTTP cannot carry: left out
            }
        }
    }

    /** The status fields of a call's end: {@code grpc-status}, and {@code grpc-message} when there is one. */
    static void addStatus(Headers headers, Status status) {
        headers.set("grpc-status", Integer.toString(status.getCode().value()));
        String description = status.getDescription();
        if (description != null && !description.isEmpty()) {
            headers.set("grpc-message", percentEncode(description));
        }
    }

    /**
     * {@code grpc-message} encoding (gRPC over HTTP/2): UTF-8, with every byte outside {@code 0x20..0x7E} and
     * {@code %} itself percent-encoded.
     */
    static String percentEncode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c >= 0x20 && c <= 0x7E && c != '%') {
                out.write(c);
            } else {
                out.write('%');
                out.write(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
                out.write(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
