package io.gatehouse.core.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.Gateway;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The admin API's config writes: {@code PUT}/{@code DELETE} of {@code /routes/{id}} and {@code /upstreams/{name}}.
 * A body is JSON ({@code application/json}) or YAML ({@code application/yaml}, {@code application/x-yaml},
 * {@code text/yaml}); anything else is 415. {@code If-Match} with the generation a client read ({@code ETag}) makes
 * the write conditional (412 when stale); without it the write applies to whatever serves, as in Kong and APISIX.
 */
final class ConfigWrites {

    /** The largest body accepted; the server answers 413 beyond. */
    public static final int MAX_BODY = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Gateway gateway;

    ConfigWrites(Gateway gateway) {
        this.gateway = gateway;
    }

    AdminReply putRoute(AdminRequest request) {
        return withBody(request, body -> ConfigEdits.putRoute(request.params().get("id"), body));
    }

    AdminReply deleteRoute(AdminRequest request) {
        return change(request, ConfigEdits.deleteRoute(request.params().get("id")));
    }

    AdminReply putUpstream(AdminRequest request) {
        return withBody(request, body -> ConfigEdits.putUpstream(request.params().get("name"), body));
    }

    AdminReply deleteUpstream(AdminRequest request) {
        return change(request, ConfigEdits.deleteUpstream(request.params().get("name")));
    }

    private AdminReply withBody(AdminRequest request, Function<Node, ConfigEdit> edit) {
        String type = mediaType(request.header().apply("Content-Type"));
        boolean json = type.equals("application/json");
        boolean yaml = type.equals("application/yaml") || type.equals("application/x-yaml")
                || type.equals("text/yaml");
        if (!json && !yaml) {
            return AdminReply.problem(415, "unsupported_media_type", "send the body as application/json or "
                    + "application/yaml (got " + (type.isEmpty() ? "no Content-Type" : type) + ")",
                    request.requestId()).header("Accept", "application/json, application/yaml");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(request.body())).toString();
        } catch (CharacterCodingException e) {
            return invalidBody(request, "the body is not UTF-8");
        }
        if (text.isBlank()) {
            return invalidBody(request, "the body is empty; send the " + (request.params().containsKey("id")
                    ? "route" : "upstream") + " as a map");
        }
        Node body;
        try {
            body = json ? YamlDocument.fromJson(JSON.readValue(text, Object.class)) : YamlDocument.parseBody(text);
        } catch (JsonProcessingException e) {
            return invalidBody(request, "not JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (MarkedYAMLException e) {
            return invalidBody(request, "not YAML: " + e.getProblem() + (e.getProblemMark() == null ? ""
                    : " at line " + (e.getProblemMark().getLine() + 1) + ", column "
                    + (e.getProblemMark().getColumn() + 1)));
        } catch (YAMLException e) {
            return invalidBody(request, "not YAML: " + e.getMessage());
        }
        return change(request, edit.apply(body));
    }

    private static AdminReply invalidBody(AdminRequest request, String detail) {
        return AdminReply.problem(400, "invalid_body", detail, request.requestId());
    }

    private AdminReply change(AdminRequest request, ConfigEdit edit) {
        Set<Long> ifMatch = ifMatch(request.header().apply("If-Match"));
        ConfigChange change = gateway.change(ifMatch, request.caller().name(), edit);
        if (!change.applied()) {
            AdminReply reply = AdminReply.problem(change.status(), change.code(), change.detail(), change.problems(),
                    request.requestId());
            return reply.header("ETag", AdminApi.etag(gateway.generation()));
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("result", "applied");
        view.put("action", edit.action());
        view.put("target", edit.target());
        view.put("generation", change.reload().generation());
        AdminReply reply = AdminReply.json(change.status(), view)
                .header("ETag", AdminApi.etag(change.reload().generation()));
        return reply;
    }

    /** @return the media type without parameters, lower-case; empty for none */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    /**
     * @return the generations an {@code If-Match} names, {@code null} for none or {@code *} (any); an entity tag
     * that is no generation of ours is left out, so it matches nothing
     */
    static Set<Long> ifMatch(String header) {
        if (header == null || header.isBlank() || header.strip().equals("*")) {
            return null;
        }
        Set<Long> generations = new HashSet<>();
        for (String tag : header.split(",")) {
            String t = tag.strip();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
                t = t.substring(1, t.length() - 1);
            }
            try {
                generations.add(Long.parseLong(t));
            } catch (NumberFormatException e) {
                // matches no generation
            }
        }
        return generations;
    }
}
