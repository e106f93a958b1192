package io.gatehouse.core.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.error.ProblemResponses;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An admin API answer.
 *
 * @param status      the HTTP status
 * @param contentType the body's media type
 * @param headers     further headers
 * @param body        the body
 */
public record AdminReply(int status, String contentType, Map<String, String> headers, byte[] body) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A JSON answer. */
    public static AdminReply json(int status, Object value) {
        try {
            return new AdminReply(status, "application/json", new LinkedHashMap<>(), JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A problem answer (RFC 9457). */
    public static AdminReply problem(int status, String code, String detail, String requestId) {
        return problem(status, code, detail, List.of(), requestId);
    }

    /**
     * A problem answer with the config problems that explain it, as {@code errors: [{path, detail}]}.
     */
    public static AdminReply problem(int status, String code, String detail, List<Problem> errors,
                                     String requestId) {
        byte[] body = ProblemResponses.render(status, code, detail, requestId, null);
        if (!errors.isEmpty()) {
            try {
                ObjectNode node = (ObjectNode) JSON.readTree(body);
                ArrayNode list = node.putArray("errors");
                errors.forEach(p -> list.addObject().put("path", p.path()).put("detail", p.message()));
                body = JSON.writeValueAsBytes(node);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        AdminReply reply = new AdminReply(status, ProblemResponses.CONTENT_TYPE, new LinkedHashMap<>(), body);
        return reply;
    }

    /** @return this answer with a header added */
    public AdminReply header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
