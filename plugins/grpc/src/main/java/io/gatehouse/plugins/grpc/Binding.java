package io.gatehouse.plugins.grpc;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP binding of a gRPC method: an HTTP method and path template, where the request body goes ({@code *}: the
 * whole message, a field name: that field, empty: no body) and which response field is the body
 * ({@code response_body}; empty: the whole message).
 *
 * @param httpMethod   {@code GET}, {@code POST}, ... ({@code custom} kinds as written)
 * @param template     the path template
 * @param body         {@code *}, a top-level field name, or empty
 * @param responseBody a top-level field name of the response, or empty
 * @param method       the method's descriptor
 * @param grpc         the method for grpc-java, with dynamic-message marshallers
 */
record Binding(String httpMethod, PathTemplate template, String body, String responseBody, MethodDescriptor method,
               io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> grpc) {

    /** @return the request field the body fills, or {@code null} for {@code *} or no body */
    FieldDescriptor bodyField() {
        return body.isEmpty() || body.equals("*") ? null : method.getInputType().findFieldByName(body);
    }

    /** @return the response field sent as the body, or {@code null} for the whole message */
    FieldDescriptor responseField() {
        return responseBody.isEmpty() ? null : method.getOutputType().findFieldByName(responseBody);
    }

    /** @throws IllegalArgumentException when a field the binding names is not in the messages */
    void check() {
        if (!body.isEmpty() && !body.equals("*") && bodyField() == null) {
            throw new IllegalArgumentException("body field '" + body + "' is not in "
                    + method.getInputType().getFullName());
        }
        if (!responseBody.isEmpty() && responseField() == null) {
            throw new IllegalArgumentException("response_body field '" + responseBody + "' is not in "
                    + method.getOutputType().getFullName());
        }
        for (String path : template.fieldPaths()) {
            if (fieldPath(method.getInputType(), path) == null) {
                throw new IllegalArgumentException("path variable '" + path + "' is not a field of "
                        + method.getInputType().getFullName());
            }
        }
    }

    /**
     * Resolves a dotted field path ({@code book.name}) by proto or JSON names.
     *
     * @return the fields along the path, or {@code null} when a part is not a field or a non-last part is not a
     * singular message
     */
    static List<FieldDescriptor> fieldPath(Descriptor type, String path) {
        List<FieldDescriptor> fields = new ArrayList<>();
        Descriptor current = type;
        String[] parts = path.split("\\.", -1);
        for (int i = 0; i < parts.length; i++) {
            if (current == null) {
                return null;
            }
            String name = parts[i];
            FieldDescriptor field = current.findFieldByName(name);
            if (field == null) {
                field = current.getFields().stream().filter(f -> f.getJsonName().equals(name)).findFirst()
                        .orElse(null);
            }
            if (field == null) {
                return null;
            }
            fields.add(field);
            boolean last = i == parts.length - 1;
            if (!last && (field.isRepeated() || field.getJavaType() != FieldDescriptor.JavaType.MESSAGE)) {
                return null;
            }
            current = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? field.getMessageType() : null;
        }
        return fields;
    }

    @Override
    public String toString() {
        return httpMethod + " " + template + " → " + method.getFullName();
    }
}
