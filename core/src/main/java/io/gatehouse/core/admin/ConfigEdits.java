package io.gatehouse.core.admin;

import io.gatehouse.core.config.ConfigPath;
import io.gatehouse.core.config.Problem;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The admin API's edits of the config file: put or delete one route (by id, in {@code routes}) or one upstream (by
 * name, in {@code upstreams}). A new route goes last; a replaced one keeps its place (route order breaks ties of
 * precedence). The rest of the file's node tree is untouched.
 */
final class ConfigEdits {

    private ConfigEdits() {
    }

    /** Puts {@code body} (a map) as the route {@code id}; the body's {@code id}, if any, must be {@code id}. */
    static ConfigEdit putRoute(String id, Node body) {
        return edit("put_route", id, text -> {
            ConfigEdit.Edited refused = checkBody(body, "id", id, "route");
            if (refused != null) {
                return refused;
            }
            MappingNode route = (MappingNode) body;
            if (YamlDocument.get(route, "id") == null) {
                route.getValue().addFirst(new NodeTuple(YamlDocument.scalar("id"), YamlDocument.scalar(id)));
            }
            YamlDocument doc = YamlDocument.parse(text);
            SequenceNode routes = routes(doc);
            int at = indexOf(routes, id);
            String before = at < 0 ? null : doc.digest(routes.getValue().get(at));
            if (at < 0) {
                routes.getValue().add(route);
            } else {
                routes.getValue().set(at, route);
            }
            return new ConfigEdit.Edited(doc.dump(), before, doc.digest(route), at < 0, null);
        });
    }

    /** Deletes the route {@code id}. */
    static ConfigEdit deleteRoute(String id) {
        return edit("delete_route", id, text -> {
            YamlDocument doc = YamlDocument.parse(text);
            SequenceNode routes = routes(doc);
            int at = indexOf(routes, id);
            if (at < 0) {
                return ConfigEdit.Edited.refused(ConfigChange.refused(404, "not_found", "no route '" + id + "'"));
            }
            String before = doc.digest(routes.getValue().remove(at));
            return new ConfigEdit.Edited(doc.dump(), before, null, false, null);
        });
    }

    /** Puts {@code body} (a map) as the upstream {@code name}; a {@code name} key in the body must be it. */
    static ConfigEdit putUpstream(String name, Node body) {
        return edit("put_upstream", name, text -> {
            ConfigEdit.Edited refused = checkBody(body, "name", name, "upstream");
            if (refused != null) {
                return refused;
            }
            MappingNode upstream = (MappingNode) body;
            YamlDocument.remove(upstream, "name");
            YamlDocument doc = YamlDocument.parse(text);
            MappingNode upstreams = upstreams(doc);
            Node old = YamlDocument.get(upstreams, name);
            YamlDocument.set(upstreams, name, upstream);
            return new ConfigEdit.Edited(doc.dump(), doc.digest(old), doc.digest(upstream), old == null, null);
        });
    }

    /** Deletes the upstream {@code name}; refused (409) while a route uses it. */
    static ConfigEdit deleteUpstream(String name) {
        return edit("delete_upstream", name, text -> {
            YamlDocument doc = YamlDocument.parse(text);
            MappingNode upstreams = upstreams(doc);
            Node old = YamlDocument.get(upstreams, name);
            if (old == null) {
                return ConfigEdit.Edited.refused(ConfigChange.refused(404, "not_found", "no upstream '" + name
                        + "'"));
            }
            List<Problem> users = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            List<Node> routes = routes(doc).getValue();
            for (int i = 0; i < routes.size(); i++) {
                if (name.equals(YamlDocument.text(YamlDocument.get(routes.get(i), "upstream")))) {
                    String routeId = YamlDocument.text(YamlDocument.get(routes.get(i), "id"));
                    ids.add(routeId);
                    users.add(new Problem(ConfigPath.index("routes", i) + ".upstream", "route '" + routeId
                            + "' uses upstream '" + name + "'"));
                }
            }
            if (!users.isEmpty()) {
                return ConfigEdit.Edited.refused(ConfigChange.refused(409, "upstream_in_use", "upstream '" + name
                        + "' is used by route(s) " + String.join(", ", ids) + "; change or delete them first",
                        users));
            }
            YamlDocument.remove(upstreams, name);
            return new ConfigEdit.Edited(doc.dump(), doc.digest(old), null, false, null);
        });
    }

    /**
     * @return a refusal when the body is not a map or its {@code key} (if any) is not {@code name}, else
     * {@code null}
     */
    private static ConfigEdit.Edited checkBody(Node body, String key, String name, String kind) {
        if (!(body instanceof MappingNode map)) {
            return ConfigEdit.Edited.refused(ConfigChange.refused(400, "invalid_body", "expected a map: the "
                    + kind));
        }
        String given = YamlDocument.text(YamlDocument.get(map, key));
        if (YamlDocument.get(map, key) != null && !name.equals(given)) {
            Problem problem = new Problem(key, "is '" + given + "' but the path names " + kind + " '" + name
                    + "'; leave it out or make them equal");
            return ConfigEdit.Edited.refused(ConfigChange.refused(400, "invalid_body", problem.toString(),
                    List.of(problem)));
        }
        return null;
    }

    private static SequenceNode routes(YamlDocument doc) {
        return section(doc, "routes", SequenceNode.class, YamlDocument::emptySequence);
    }

    private static MappingNode upstreams(YamlDocument doc) {
        return section(doc, "upstreams", MappingNode.class, YamlDocument::emptyMap);
    }

    /** @return the top-level section {@code key}, created when absent or null ({@code routes:}: none) */
    private static <T extends Node> T section(YamlDocument doc, String key, Class<T> type,
                                              java.util.function.Supplier<T> empty) {
        Node node = doc.top(key);
        if (type.isInstance(node)) {
            return type.cast(node);
        }
        T created = empty.get();
        doc.setTop(key, created);
        return created;
    }

    private static int indexOf(SequenceNode routes, String id) {
        List<Node> entries = routes.getValue();
        for (int i = 0; i < entries.size(); i++) {
            if (id.equals(YamlDocument.text(YamlDocument.get(entries.get(i), "id")))) {
                return i;
            }
        }
        return -1;
    }

    private static ConfigEdit edit(String action, String target, java.util.function.Function<String,
            ConfigEdit.Edited> apply) {
        return new ConfigEdit() {
            @Override
            public String action() {
                return action;
            }

            @Override
            public String target() {
                return target;
            }

            @Override
            public Edited apply(String text) {
                return apply.apply(text);
            }
        };
    }
}
