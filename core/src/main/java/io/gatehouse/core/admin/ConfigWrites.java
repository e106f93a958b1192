package io.gatehouse.core.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.Gateway;
import io.gatehouse.core.config.ConfigLoader;
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
 * {@code text/yaml}); anything else is 415. {@code If-Match} with the entity tag a client read ({@code ETag}) makes
 * the write conditional (412 when stale); without it the write applies to whatever serves, as in Kong and APISIX.
 */
final class ConfigWrites {

    /** The largest body accepted; the server answers 413 beyond. */
    public static final int MAX_BODY = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Gateway gateway;
    private final ConfigView config;

    /** @param config redacts what a refusal's problems repeat of a secret */
    ConfigWrites(Gateway gateway, ConfigView config) {
        this.gateway = gateway;
        this.config = config;
    }

    /**
     * What a route id or upstream name written through the API may be: a URL-safe name, so it cannot carry a
     * {@code ${VAR}} reference (the loader would substitute it), control characters or path syntax. Entries of the
     * file with other names can still be read and deleted.
     */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    AdminReply putRoute(AdminRequest request) {
        return withBody(request, "put_route", "id", body -> ConfigEdits.putRoute(request.params().get("id"), body));
    }

    AdminReply deleteRoute(AdminRequest request) {
        return change(request, ConfigEdits.deleteRoute(request.params().get("id")));
    }

    AdminReply putUpstream(AdminRequest request) {
        return withBody(request, "put_upstream", "name",
                body -> ConfigEdits.putUpstream(request.params().get("name"), body));
    }

    AdminReply deleteUpstream(AdminRequest request) {
        return change(request, ConfigEdits.deleteUpstream(request.params().get("name")));
    }

    private AdminReply withBody(AdminRequest request, String action, String param, Function<Node, ConfigEdit> edit) {
        String target = request.params().get(param);
        Checked checked = check(request, target);
        if (checked.refusal() != null) {
            // refused before it became an edit: still one audit line, with what was refused
            gateway.auditRefused(action, target, request.caller().name(), checked.refusal().status());
            return checked.refusal();
        }
        return change(request, edit.apply(checked.body()));
    }

    /** A body that passed {@link #check}, or the answer that refuses it. */
    private record Checked(Node body, AdminReply refusal) {
    }

    /** Checks the name, the media type, the encoding, the syntax and the {@code ${VAR}} references of a body. */
    private Checked check(AdminRequest request, String target) {
        if (!NAME.matcher(target).matches()) {
            return refused(problem(request, 400, "invalid_name", "a name written through the admin API is 1 to "
                    + "128 of A-Z a-z 0-9 . _ - and starts with a letter or digit"));
        }
        String type = mediaType(request.header().apply("Content-Type"));
        boolean json = type.equals("application/json");
        boolean yaml = type.equals("application/yaml") || type.equals("application/x-yaml")
                || type.equals("text/yaml");
        if (!json && !yaml) {
            return refused(problem(request, 415, "unsupported_media_type", "send the body as application/json or "
                    + "application/yaml (got " + (type.isEmpty() ? "no Content-Type" : type) + ")")
                    .header("Accept", "application/json, application/yaml"));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(request.body())).toString();
        } catch (CharacterCodingException e) {
            return refused(invalidBody(request, "the body is not UTF-8"));
        }
        if (text.isBlank()) {
            return refused(invalidBody(request, "the body is empty; send the " + (request.params().containsKey("id")
                    ? "route" : "upstream") + " as a map"));
        }
        if (longestDigitRun(text) > MAX_DIGITS) {
            // SnakeYAML and Jackson make a BigInteger of it, in time that grows with the square of its length
            return refused(invalidBody(request, "a number longer than " + MAX_DIGITS + " digits"));
        }
        Node body;
        try {
            body = json ? YamlDocument.fromJson(JSON.readValue(text, Object.class)) : YamlDocument.parseBody(text);
        } catch (JsonProcessingException e) {
            return refused(invalidBody(request, "not JSON: " + e.getOriginalMessage() + (e.getLocation() == null
                    ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr())));
        } catch (MarkedYAMLException e) {
            return refused(invalidBody(request, "not YAML: " + e.getProblem() + (e.getProblemMark() == null ? ""
                    : " at line " + (e.getProblemMark().getLine() + 1) + ", column "
                    + (e.getProblemMark().getColumn() + 1))));
        } catch (YAMLException e) {
            return refused(invalidBody(request, "not YAML: " + e.getMessage()));
        } catch (StackOverflowError e) {
            return refused(invalidBody(request, "nested too deeply"));
        }
        Set<String> unknown = new java.util.TreeSet<>(envReferences(body));
        unknown.removeAll(envReferences(YamlDocument.parseBody(gateway.configText())));
        if (!unknown.isEmpty()) {
            return refused(problem(request, 422, "env_reference_refused", "the body refers to environment "
                    + "variable(s) " + String.join(", ", unknown) + " that the config file does not use; a new "
                    + "${VAR} reference can be added in the file only (through the API it would let a token holder "
                    + "read the gateway's environment)"));
        }
        return new Checked(body, null);
    }

    /** No config value needs a longer number. */
    private static final int MAX_DIGITS = 100;

    private static int longestDigitRun(String text) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            run = c >= '0' && c <= '9' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    private static Checked refused(AdminReply reply) {
        return new Checked(null, reply);
    }

    private static AdminReply problem(AdminRequest request, int status, String code, String detail) {
        return AdminReply.problem(status, code, detail, request.requestId());
    }


    /**
     * @return the names of the {@code ${NAME}} references in the scalar values of {@code node} (keys are not
     *         substituted, and comments are not part of the tree)
     */
    static Set<String> envReferences(Node node) {
        Set<String> names = new HashSet<>();
        if (node == null) {
            return names;
        }
        java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>();
        todo.push(node);
        while (!todo.isEmpty()) {
            Node next = todo.pop();
            if (next instanceof org.yaml.snakeyaml.nodes.ScalarNode scalar) {
                names.addAll(ConfigLoader.envReferences(scalar.getValue()));
            } else if (next instanceof org.yaml.snakeyaml.nodes.MappingNode map) {
                map.getValue().forEach(tuple -> todo.push(tuple.getValueNode()));
            } else if (next instanceof org.yaml.snakeyaml.nodes.SequenceNode list) {
                list.getValue().forEach(todo::push);
            }
        }
        return names;
    }


    private static AdminReply invalidBody(AdminRequest request, String detail) {
        return AdminReply.problem(400, "invalid_body", detail, request.requestId());
    }

    private AdminReply change(AdminRequest request, ConfigEdit edit) {
        Set<String> ifMatch = ifMatch(request.header().apply("If-Match"));
        ConfigChange change = gateway.change(ifMatch, request.caller().name(), edit);
        if (!change.applied()) {
            AdminReply reply = AdminReply.problem(change.status(), change.code(), change.detail(),
                    config.redact(change.problems()), request.requestId());
            return reply.header("ETag", change.etag());
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("result", "applied");
        view.put("action", edit.action());
        view.put("target", edit.target());
        view.put("generation", change.reload().generation());
        AdminReply reply = AdminReply.json(change.status(), view)
                .header("ETag", change.etag());
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
     * @return the entity tags an {@code If-Match} names, {@code null} for none or {@code *} (any). A weak tag
     * ({@code W/"..."}) never matches (If-Match compares strongly); an unquoted one is taken as if quoted
     */
    static Set<String> ifMatch(String header) {
        if (header == null || header.isBlank() || header.strip().equals("*")) {
            return null;
        }
        Set<String> tags = new HashSet<>();
        for (String tag : header.split(",")) {
            String t = tag.strip();
            if (!t.startsWith("W/") && !t.isEmpty()) {
                tags.add(t.startsWith("\"") ? t : "\"" + t + "\"");
            }
        }
        return tags;
    }
}
