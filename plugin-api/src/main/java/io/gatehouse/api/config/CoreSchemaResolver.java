package io.gatehouse.api.config;

import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

import java.util.regex.Pattern;

/**
 * Resolves plain scalars close to the YAML 1.2 core schema instead of SnakeYAML's YAML 1.1 default, so that
 * {@code no}, {@code on}, {@code 0123}, {@code 1:30} and {@code 2024-01-01} stay the strings they look like
 * (YAML 1.1 reads them as false, true, 83, 90 and a Date). The gateway reads its config with it; the testkit's
 * {@link io.gatehouse.api.testkit.TestConfig#bindYaml} too. Needs SnakeYAML, an optional dependency of plugin-api.
 *
 * @since 1.5.0
 */
public final class CoreSchemaResolver extends Resolver {
    private static final Pattern BOOL = Pattern.compile("true|True|TRUE|false|False|FALSE");
    // A leading zero would be read as octal by SnakeYAML's int constructor: keep such scalars as strings.
    private static final Pattern INT = Pattern.compile("[-+]?(0|[1-9][0-9]*)|0x[0-9a-fA-F]+");
    private static final Pattern FLOAT = Pattern.compile(
            "[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?(0|[1-9][0-9]*)[eE][-+]?[0-9]+"
                    + "|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
    private static final Pattern NULL = Pattern.compile("~|null|Null|NULL|");

    @Override
    protected void addImplicitResolvers() {
        addImplicitResolver(Tag.BOOL, BOOL, "tfTF");
        addImplicitResolver(Tag.INT, INT, "-+0123456789");
        addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
        addImplicitResolver(Tag.MERGE, MERGE, "<");
        addImplicitResolver(Tag.NULL, NULL, "~nN\0");
        addImplicitResolver(Tag.NULL, EMPTY, null);
    }

    /**
     * Most scalars of a config (keys, ids, paths, names) start with a character no resolver is registered for, and
     * the one resolver registered for every first character matches only the empty scalar: those are strings,
     * known without running a regex (whose matcher per scalar was a tenth of what a large config allocates).
     */
    @Override
    public Tag resolve(NodeId kind, String value, boolean implicit) {
        if (kind == NodeId.scalar && implicit && !value.isEmpty()
                && !yamlImplicitResolvers.containsKey(value.charAt(0))) {
            return Tag.STR;
        }
        return super.resolve(kind, value, implicit);
    }
}
