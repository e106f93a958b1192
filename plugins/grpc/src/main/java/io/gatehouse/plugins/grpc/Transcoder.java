package io.gatehouse.plugins.grpc;

import com.google.protobuf.DynamicMessage;
import io.gatehouse.api.Body;
import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/JSON requests transcoded to calls of the schema's methods: the binding found by method and path, the request
 * message made from the body, path and query, the call made on the endpoint's channel with the route's deadline,
 * and its answer rendered as JSON (unary), NDJSON or server-sent events (server streaming), or a problem document
 * carrying the gRPC status.
 */
final class Transcoder implements AutoCloseable {

    private static final Pattern GRPC_TIMEOUT = Pattern.compile("(\\d{1,8})([HMSmun])");

    private final GrpcTransportFactory.Config config;
    private final SchemaSource source;
    private volatile JsonMessages messages;

    Transcoder(GrpcTransportFactory.Config config, PluginContext context, Channels channels) throws Exception {
        this.config = config;
        if (config.descriptorSet() != null) {
            this.source = SchemaSource.file(context.home().resolve(config.descriptorSet()));
        } else if (config.reflection()) {
            this.source = SchemaSource.reflection(channels, config.reflectionRetry(), context.logger());
        } else {
            this.source = null;
        }
    }

    Response send(Exchange exchange, Channel channel, Duration timeout) throws InterruptedException {
        if (source == null) {
            throw new GatewayException(415, "grpc_transcoding_disabled", "this route takes gRPC and gRPC-Web only"
                    + " (its upstream has neither a descriptor_set nor reflection to transcode JSON with)");
        }
        Schema schema = source.schema();
        if (schema == null) {
            Response unavailable = Problem.response(exchange, 503, "grpc_schema_unavailable", "no gRPC schema yet: "
                    + source.failure());
            unavailable.headers().set("Retry-After",
                    Long.toString(Math.max(1, (config.reflectionRetry().toMillis() + 999) / 1000)));
            return unavailable;
        }
        Request request = exchange.request();
        Schema.Match match = schema.match(request.method(), request.path());
        Binding binding = match.binding();
        JsonMessages json = messages(schema);
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(deadline(request, timeout), TimeUnit.NANOSECONDS)
                .withMaxOutboundMessageSize(config.maxMessageSize());
        Metadata metadata = metadata(request.headers());
        GrpcCall call;
        if (binding.method().isClientStreaming()) {
            call = GrpcCall.start(channel, binding.grpc(), options, metadata);
            if (binding.method().isServerStreaming()) {
                Thread.ofVirtual().name("grpc-ndjson-request").start(() -> pumpQuietly(call, json, match, request));
            } else {
                pump(call, json, match, request);
            }
        } else {
            byte[] body = binding.body().isEmpty() ? new byte[0] : request.body().readAll(config.maxMessageSize());
            DynamicMessage message = json.request(binding, match.variables(), request.rawQuery(), body);
            call = GrpcCall.start(channel, binding.grpc(), options, metadata);
            call.send(message);
            call.halfClose();
        }
        try {
            return binding.method().isServerStreaming() ? stream(exchange, call, binding, schema, json)
                    : unary(exchange, call, binding, schema, json);
        } catch (InterruptedException | RuntimeException e) {
            call.cancel("the gateway gave up on the call", e);
            throw e;
        }
    }

    /** The JSON codec of the schema, made once per schema. */
    private JsonMessages messages(Schema schema) {
        JsonMessages current = messages;
        if (current == null || current.schema() != schema) {
            current = new JsonMessages(schema, config.unknownFields().equals("ignore"));
            messages = current;
        }
        return current;
    }

    /** The smaller of the route's timeout and the client's {@code grpc-timeout}, in nanoseconds. */
    static long deadline(Request request, Duration timeout) {
        long nanos = timeout.toNanos();
        String header = request.headers().first("grpc-timeout").orElse(null);
        if (header != null) {
            Matcher m = GRPC_TIMEOUT.matcher(header.trim());
            if (!m.matches()) {
                throw new GatewayException(400, "grpc_invalid_timeout", "grpc-timeout must be up to 8 digits and a"
                        + " unit (H, M, S, m, u, n), got '" + header + "'");
            }
            long value = Long.parseLong(m.group(1));
            TimeUnit unit = switch (m.group(2)) {
                case "H" -> TimeUnit.HOURS;
                case "M" -> TimeUnit.MINUTES;
                case "S" -> TimeUnit.SECONDS;
                case "m" -> TimeUnit.MILLISECONDS;
                case "u" -> TimeUnit.MICROSECONDS;
                default -> TimeUnit.NANOSECONDS;
            };
            nanos = Math.min(nanos, unit.toNanos(value));
        }
        return nanos;
    }

    /** The allow-listed request headers as metadata ({@code -bin} ones base64-decoded). */
    private Metadata metadata(Headers headers) {
        Metadata metadata = new Metadata();
        for (String name : config.requestHeaders()) {
            String key = name.toLowerCase(Locale.ROOT);
            for (String value : headers.all(name)) {
                if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                    try {
                        metadata.put(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER),
                                Base64.getDecoder().decode(value.trim()));
                    } catch (IllegalArgumentException e) {
                        throw new GatewayException(400, "grpc_invalid_metadata", "header " + name
                                + " must be base64");
                    }
                } else {
                    metadata.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);
                }
            }
        }
        return metadata;
    }

    /** The allow-listed response metadata as headers. */
    private void copy(Metadata metadata, Headers headers) {
        if (metadata == null) {
            return;
        }
        for (String name : config.responseHeaders()) {
            String key = name.toLowerCase(Locale.ROOT);
            if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                Iterable<byte[]> values = metadata.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER));
                if (values != null) {
                    values.forEach(v -> headers.add(name, Base64.getEncoder().encodeToString(v)));
                }
            } else {
                Iterable<String> values = metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
                if (values != null) {
                    values.forEach(v -> headers.add(name, v));
                }
            }
        }
    }

    /** Client streaming: each non-blank line of the NDJSON body is a message, sent as it arrives. */
    private void pump(GrpcCall call, JsonMessages json, Schema.Match match, Request request)
            throws InterruptedException {
        try (InputStream in = request.body().stream()) {
            Lines lines = new Lines(in, config.maxMessageSize());
            for (String line; (line = lines.next()) != null && !call.closed(); ) {
                if (!line.isBlank()) {
                    call.send(json.request(match.binding(), match.variables(), request.rawQuery(),
                            line.getBytes(StandardCharsets.UTF_8)));
                }
            }
            call.halfClose();
        } catch (IOException e) {
            call.cancel("the request body failed", e);
            throw new UncheckedIOException("reading the NDJSON request body failed: " + e.getMessage(), e);
        } catch (GatewayException | InterruptedException e) {
            call.cancel("the request body was refused", e);
            throw e;
        }
    }

    private void pumpQuietly(GrpcCall call, JsonMessages json, Schema.Match match, Request request) {
        try {
            pump(call, json, match, request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the call is cancelled: the response stream ends with its CANCELLED problem
        }
    }

    private Response unary(Exchange exchange, GrpcCall call, Binding binding, Schema schema, JsonMessages json)
            throws InterruptedException {
        Metadata headers = null;
        DynamicMessage message = null;
        while (true) {
            switch (call.next()) {
                case GrpcCall.Headers h -> headers = h.metadata();
                case GrpcCall.Message m -> {
                    message = m.message();
                    call.request(1);
                }
                case GrpcCall.Closed closed -> {
                    if (closed.status().getCode() != Status.Code.OK) {
                        return failed(exchange, closed, headers, schema);
                    }
                    if (message == null) {
                        return Problem.response(exchange, 502, "grpc_no_message", "the gRPC service ended the"
                                + " call with OK but sent no response message");
                    }
                    Response response = Response.json(200, json.print(message, binding.responseField()));
                    copy(headers, response.headers());
                    copy(closed.trailers(), response.headers());
                    return response;
                }
            }
        }
    }

    /**
     * Whether the client's {@code Accept} names {@code text/event-stream} as a media range it takes: exactly that
     * type, with a {@code q} above 0 (RFC 9110 §12.5.1); a wildcard does not ask for events.
     */
    static boolean acceptsEventStream(List<String> accept) {
        for (String header : accept) {
            for (String range : header.split(",")) {
                String[] parts = range.split(";");
                if (!parts[0].strip().equalsIgnoreCase("text/event-stream")) {
                    continue;
                }
                double q = 1;
                for (int i = 1; i < parts.length; i++) {
                    String parameter = parts[i].strip().toLowerCase(Locale.ROOT);
                    if (parameter.startsWith("q=")) {
                        try {
                            q = Double.parseDouble(parameter.substring(2));
                        } catch (NumberFormatException e) {
                            q = 0;
                        }
                    }
                }
                if (q > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private Response stream(Exchange exchange, GrpcCall call, Binding binding, Schema schema, JsonMessages json)
            throws InterruptedException {
        MessageStream.Format format = acceptsEventStream(exchange.request().headers().all("Accept"))
                ? MessageStream.Format.SSE : MessageStream.Format.NDJSON;
        Metadata headers = null;
        while (true) {
            switch (call.next()) {
                case GrpcCall.Headers h -> headers = h.metadata();
                case GrpcCall.Closed closed -> {
                    if (closed.status().getCode() != Status.Code.OK) {
                        return failed(exchange, closed, headers, schema);
                    }
                    Response empty = new Response(200, Headers.of("Content-Type", format.contentType), Body.empty());
                    copy(headers, empty.headers());
                    copy(closed.trailers(), empty.headers());
                    return empty;
                }
                case GrpcCall.Message first -> {
                    call.request(1);
                    Response response = new Response(200, Headers.of("Content-Type", format.contentType,
                            "Cache-Control", "no-cache"), null);
                    copy(headers, response.headers());
                    MessageStream stream = new MessageStream(call, format, first.message(),
                            m -> json.print(m, binding.responseField()),
                            closed -> Problem.json(exchange, closed.status(), closed.trailers(), schema.types()),
                            event -> {
                                if (event instanceof GrpcCall.Closed closed) {
                                    copy(closed.trailers(), response.trailers());
                                }
                            });
                    response.body(Body.of(stream, -1));
                    return response;
                }
            }
        }
    }

    /** A call that ended with an error status: its problem; UNAVAILABLE counts against the endpoint. */
    private Response failed(Exchange exchange, GrpcCall.Closed closed, Metadata headers, Schema schema) {
        Status status = closed.status();
        Outcomes.unavailable(exchange, status.getCode() == Status.Code.UNAVAILABLE && !Problem.missingStatus(status));
        Response response = Problem.response(exchange, Problem.httpStatus(status),
                Problem.json(exchange, status, closed.trailers(), schema.types()));
        copy(headers, response.headers());
        copy(closed.trailers(), response.headers());
        return response;
    }

    void endpoints(List<Endpoint> endpoints) {
        if (source != null) {
            source.endpoints(endpoints);
        }
    }

    void reloaded() {
        if (source != null) {
            source.reloaded();
        }
    }

    @Override
    public void close() {
        if (source != null) {
            source.close();
        }
    }

    /** Lines of a UTF-8 stream, each at most {@code limit} bytes (413 beyond). */
    private static final class Lines {
        private final InputStream in;
        private final int limit;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int end;

        Lines(InputStream in, int limit) {
            this.in = in;
            this.limit = limit;
        }

        String next() throws IOException {
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            while (true) {
                if (position == end) {
                    end = in.read(buffer);
                    position = 0;
                    if (end < 0) {
                        end = 0;
                        return line.size() == 0 ? null : JsonText.utf8(line.toByteArray());
                    }
                }
                int start = position;
                while (position < end && buffer[position] != '\n') {
                    position++;
                }
                line.write(buffer, start, position - start);
                if (line.size() > limit) {
                    throw new GatewayException(413, "body_too_large", "a line of the NDJSON body is larger than"
                            + " the limit of " + limit + " bytes");
                }
                if (position < end) {
                    position++;
                    return JsonText.utf8(line.toByteArray());
                }
            }
        }
    }
}
