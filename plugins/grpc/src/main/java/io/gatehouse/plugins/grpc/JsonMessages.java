package io.gatehouse.plugins.grpc;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.gatehouse.api.GatewayException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON ↔ messages of one schema, by protobuf-java-util's {@link JsonFormat} (the proto3 JSON mapping): a request
 * message from a binding's body, path variables and query parameters; responses printed compact with
 * lowerCamelCase names (the fields' {@code json_name}, as Envoy prints by default); requests accept both those and
 * the proto names.
 */
final class JsonMessages {

    private static final Pattern UNKNOWN = Pattern.compile("Cannot find field: (\\S+) in message (\\S+)");

    private final Schema schema;
    private final JsonFormat.Parser parser;
    private final JsonFormat.Printer printer;
    private final boolean ignoreUnknown;

    JsonMessages(Schema schema, boolean ignoreUnknown) {
        this.schema = schema;
        JsonFormat.Parser parser = JsonFormat.parser().usingTypeRegistry(schema.types());
        this.parser = ignoreUnknown ? parser.ignoringUnknownFields() : parser;
        this.printer = JsonFormat.printer().usingTypeRegistry(schema.types()).omittingInsignificantWhitespace();
        this.ignoreUnknown = ignoreUnknown;
    }

    /** @return the schema whose messages these are */
    Schema schema() {
        return schema;
    }

    /**
     * The request message of a call: the body where the binding puts it, then the query parameters (fields neither
     * the path nor a {@code body: "*"} sets), then the path variables.
     *
     * @param body the request body, UTF-8 JSON; empty for none
     * @throws GatewayException 400 {@code grpc_unknown_field} for a field the message does not have,
     *                          {@code grpc_invalid_json} for JSON that is malformed or does not fit the message
     */
    DynamicMessage request(Binding binding, Map<String, String> variables, String rawQuery, byte[] body) {
        Descriptor type = binding.method().getInputType();
        DynamicMessage.Builder message = DynamicMessage.newBuilder(type);
        String text = new String(body, StandardCharsets.UTF_8);
        if (!text.isBlank() && !binding.body().isEmpty()) {
            FieldDescriptor field = binding.bodyField();
            if (field == null) {
                merge(text, message);
            } else {
                mergeField(field, text, message);
            }
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        if (!binding.body().equals("*")) {
            for (Map.Entry<String, List<String>> parameter : query(rawQuery).entrySet()) {
                put(type, fields, parameter.getKey(), parameter.getValue(), "query parameter");
            }
        }
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            put(type, fields, variable.getKey(), List.of(variable.getValue()), "path variable");
        }
        if (!fields.isEmpty()) {
            // parsed on its own (JsonFormat refuses a field its builder already has), then merged: scalars replace
            // the body's, messages merge, lists append
            DynamicMessage.Builder bound = DynamicMessage.newBuilder(type);
            merge(write(fields, new StringBuilder()).toString(), bound);
            message.mergeFrom(bound.build());
        }
        return message.build();
    }

    /** One message of a streamed (NDJSON) request, the whole line being the message. */
    DynamicMessage message(Descriptor type, String json) {
        DynamicMessage.Builder message = DynamicMessage.newBuilder(type);
        merge(json, message);
        return message.build();
    }

    /**
     * @param field the response field to print alone ({@code response_body}), or {@code null} for the message
     * @return compact JSON
     */
    String print(DynamicMessage message, FieldDescriptor field) {
        try {
            if (field == null) {
                return printer.print(message);
            }
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isRepeated()) {
                return printer.print((Message) message.getField(field));
            }
            // a scalar, list or map: printed as the only member of an object, and cut out of it
            DynamicMessage only = DynamicMessage.newBuilder(message.getDescriptorForType())
                    .setField(field, message.getField(field)).build();
            String object = printer.includingDefaultValueFields(Set.of(field)).print(only);
            return object.substring(object.indexOf(':') + 1, object.length() - 1);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a response message cannot be printed as JSON: " + e.getMessage(), e);
        }
    }

    private void merge(String json, Message.Builder message) {
        int end = JsonText.valueEnd(json);
        if (end < 0 || !json.substring(end).isBlank()) {
            throw new GatewayException(400, "grpc_invalid_json", end < 0 ? "the request body is not valid JSON"
                    : "the request body has more after its JSON value");
        }
        try {
            parser.merge(json, message);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw invalid(e);
        }
    }

    /** {@code body: "field"}: the body is that field's JSON value. */
    private void mergeField(FieldDescriptor field, String json, DynamicMessage.Builder message) {
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isRepeated() && !field.isMapField()) {
            DynamicMessage.Builder value = DynamicMessage.newBuilder(field.getMessageType());
            merge(json, value);
            message.setField(field, value.build());
            return;
        }
        // a scalar or a list: checked to be one JSON value, so it can be wrapped in an object with nothing else
        merge(json, Value.newBuilder());
        merge("{" + Problem.quote(field.getName()) + ":" + json + "}", message);
    }

    private static GatewayException invalid(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Matcher unknown = UNKNOWN.matcher(message);
        if (unknown.find()) {
            return new GatewayException(400, "grpc_unknown_field", "the JSON has a field '" + unknown.group(1)
                    + "' that " + unknown.group(2) + " does not have");
        }
        return new GatewayException(400, "grpc_invalid_json", "the request is not valid JSON for the message: "
                + message);
    }

    /** Adds a path variable's or query parameter's value at its field path. */
    private void put(Descriptor type, Map<String, Object> fields, String path, List<String> values, String what) {
        List<FieldDescriptor> resolved = Binding.fieldPath(type, path);
        if (resolved == null) {
            if (ignoreUnknown) {
                return;
            }
            throw new GatewayException(400, "grpc_unknown_field", "the " + what + " '" + path + "' is not a field of "
                    + type.getFullName());
        }
        Map<String, Object> level = fields;
        for (int i = 0; i < resolved.size() - 1; i++) {
            Object next = level.computeIfAbsent(resolved.get(i).getName(), k -> new LinkedHashMap<String, Object>());
            if (!(next instanceof Map)) {
                throw new GatewayException(400, "grpc_invalid_json", "the " + what + " '" + path + "' sets a field"
                        + " inside one that has a value");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) next;
            level = map;
        }
        FieldDescriptor leaf = resolved.getLast();
        level.put(leaf.getName(), leaf.isRepeated() ? List.copyOf(values) : values.getLast());
    }

    /** Writes the nested map of string leaves as JSON: the parser reads numbers, bools, enums from strings. */
    private static StringBuilder write(Object value, StringBuilder out) {
        if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.append(first ? "" : ",").append(Problem.quote((String) entry.getKey())).append(':');
                write(entry.getValue(), out);
                first = false;
            }
            return out.append('}');
        }
        if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                write(list.get(i), out.append(i == 0 ? "" : ","));
            }
            return out.append(']');
        }
        return out.append(Problem.quote((String) value));
    }

    /** The query's parameters, decoded, with their values in order. */
    static Map<String, List<String>> query(String rawQuery) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            parameters.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return parameters;
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new GatewayException(400, "grpc_invalid_query", "the query string has a malformed escape");
        }
    }
}
