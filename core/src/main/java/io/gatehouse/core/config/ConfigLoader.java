package io.gatehouse.core.config;

import io.gatehouse.api.config.CoreSchemaResolver;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the gateway config: YAML → {@code ${VAR}} substitution ({@link EnvSubstitution}) → strict binding
 * ({@link RecordBinder}) → semantic checks ({@link ConfigValidator}). Every problem of every step is reported at
 * once in a {@link ConfigException}; nothing is opened or started.
 *
 * <p>YAML is read safely: plain data types only (no tags that build objects), at most
 * {@value #MAX_ALIASES} aliases and {@value #MAX_NODES} values once expanded (no "billion laughs"), no duplicate keys, at most {@value #MAX_CHARS} characters,
 * and scalars resolved as in YAML 1.2 ({@code no} is a string, not false). An empty document is the default config.
 */
public final class ConfigLoader {
    static final int MAX_CHARS = 4 * 1024 * 1024;
    static final int MAX_ALIASES = 50;
    static final long MAX_NODES = 1_000_000;
    private static final int MAX_NESTING = 50;

    private ConfigLoader() {
    }

    /**
     * Loads a config file (UTF-8).
     *
     * @param file the YAML file
     * @param env  the environment for {@code ${VAR}} substitution, usually {@code System.getenv()}
     * @return the bound, validated config
     * @throws ConfigException with every problem found, including an unreadable file
     */
    public static GatewayConfig load(Path file, Map<String, String> env) throws ConfigException {
        return read(file, env).valid();
    }

    /**
     * Reads a config file (UTF-8) as far as it can: never throws for a bad file, so that the later stages can
     * still check what was bound.
     *
     * @param file the YAML file
     * @param env  the environment for {@code ${VAR}} substitution
     * @return the config (possibly partial) and every problem found, including an unreadable file
     */
    public static LoadedConfig read(Path file, Map<String, String> env) {
        String text;
        try {
            text = readText(file);
        } catch (ConfigException e) {
            return new LoadedConfig(file.toString(), null, e.problems());
        }
        return read(text, file.toString(), env);
    }

    /**
     * Reads a config file's text (UTF-8), as {@link #read(Path, Map)} does before parsing it.
     *
     * @throws ConfigException with one problem when the file is missing, unreadable, too large or not UTF-8
     */
    public static String readText(Path file) throws ConfigException {
        String source = file.toString();
        try {
            if (Files.size(file) > MAX_CHARS) {
                throw fail(source, source, "file too large (at most 4 MiB)");
            }
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw fail(source, source, "file not found");
        } catch (CharacterCodingException e) {
            throw fail(source, source, "not valid UTF-8");
        } catch (IOException e) {
            throw fail(source, source, "cannot read: " + e);
        }
    }

    /**
     * The YAML tree of config text after {@code ${VAR}} substitution, with the paths of the scalars substitution
     * changed, for views that must hide values taken from the environment.
     *
     * @throws ConfigException when the text is not YAML
     */
    public static SubstitutedTree substitutedTree(String yaml, String sourceName, Map<String, String> env)
            throws ConfigException {
        Object tree = readYaml(yaml, sourceName);
        java.util.Set<String> substituted = new java.util.HashSet<>();
        Object out = EnvSubstitution.apply(tree == null ? Map.of() : tree, env, "", new ArrayList<>(), substituted);
        return new SubstitutedTree(out, java.util.Set.copyOf(substituted));
    }

    /**
     * @param tree        the substituted tree: maps, lists and scalars
     * @param substituted the config paths ({@code routes[0].rewrite}) of the scalars that held a {@code ${...}}
     */
    public record SubstitutedTree(Object tree, java.util.Set<String> substituted) {
    }

    /**
     * Parses config text.
     *
     * @param yaml       the YAML text
     * @param sourceName where it came from, for messages (a file name)
     * @param env        the environment for {@code ${VAR}} substitution
     * @return the bound, validated config
     * @throws ConfigException with every problem found; a YAML syntax error is one problem whose path is
     *                         {@code sourceName:line:column}
     */
    public static GatewayConfig parse(String yaml, String sourceName, Map<String, String> env) throws ConfigException {
        return read(yaml, sourceName, env).valid();
    }

    /** Like {@link #parse}, but returns what could be bound together with the problems instead of throwing. */
    public static LoadedConfig read(String yaml, String sourceName, Map<String, String> env) {
        Object tree;
        try {
            tree = readYaml(yaml, sourceName);
        } catch (ConfigException e) {
            return new LoadedConfig(sourceName, null, e.problems());
        }
        List<Problem> problems = new ArrayList<>();
        Object substituted = EnvSubstitution.apply(tree == null ? Map.of() : tree, env, "", problems);
        Object bound = new RecordBinder().bindPartial(substituted, GatewayConfig.class, "", problems);
        GatewayConfig config = bound instanceof GatewayConfig c ? c : null;
        if (config != null) {
            problems.addAll(ConfigValidator.validate(config));
        } else if (problems.isEmpty()) {
            problems.add(new Problem(sourceName, "invalid"));
        }
        // A problem with the document as a whole is named by the source, not by an empty path.
        List<Problem> named = problems.stream()
                .map(p -> p.path().isEmpty() ? new Problem(sourceName, p.message()) : p).toList();
        return new LoadedConfig(sourceName, config, named);
    }

    private static Object readYaml(String text, String source) throws ConfigException {
        return parseYaml(text, source).tree();
    }

    /**
     * What {@link #parseYaml} read: the tree, whether the text held an anchor (so aliases, which count against the
     * document's alias limit), and the tree's node count with aliases expanded.
     */
    record Parsed(Object tree, boolean anchored, long size) {
    }

    /** Parses YAML text safely, within every limit of the class comment. */
    static Parsed parseYaml(String text, String source) throws ConfigException {
        if (text.length() > MAX_CHARS) {
            throw fail(source, source, "config too large (at most 4 MiB)");
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_CHARS);
        DumperOptions dumperOptions = new DumperOptions();
        ConfigConstructor constructor = new ConfigConstructor(options);
        Yaml yaml = new Yaml(constructor, new Representer(dumperOptions), dumperOptions, options,
                new CoreSchemaResolver());
        Object tree;
        try {
            tree = yaml.load(text);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? source : source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
            Mark start = e.getContextMark();
            String context = e.getContext() == null ? "" : " (" + e.getContext()
                    + (start == null ? "" : " started at " + (start.getLine() + 1) + ":" + (start.getColumn() + 1)) + ")";
            throw fail(source, where, "YAML syntax error: " + e.getProblem() + context);
        } catch (YAMLException e) {
            throw fail(source, source, "YAML error: " + e.getMessage());
        }
        // The alias limit alone still lets 50 aliases nest into billions of nodes once later steps walk the tree.
        long size = constructor.shared() ? expandedSize(tree, new IdentityHashMap<>()) : size(tree);
        if (size > MAX_NODES) {
            throw fail(source, source, "config expands to more than " + MAX_NODES + " values (aliases nested too deep?)");
        }
        return new Parsed(tree, constructor.anchored(), size);
    }

    /** @return the node count with aliases expanded, counting each shared node once per use; saturates */
    private static long expandedSize(Object node, Map<Object, Long> memo) {
        if (!(node instanceof Map<?, ?>) && !(node instanceof List<?>)) {
            return 1;
        }
        Long known = memo.get(node);
        if (known != null) {
            return known;
        }
        Collection<?> children = node instanceof Map<?, ?> map ? map.values() : (List<?>) node;
        memo.put(node, MAX_NODES + 1); // a node that contains itself (a: &x [*x]) is endless
        long size = 1;
        for (Object child : children) {
            size = Math.min(MAX_NODES + 1, size + expandedSize(child, memo));
        }
        memo.put(node, size);
        return size;
    }

    /** @return the node count of a tree that shares no map or list (so needs no memo); saturates */
    private static long size(Object node) {
        if (!(node instanceof Map<?, ?>) && !(node instanceof List<?>)) {
            return 1;
        }
        Collection<?> children = node instanceof Map<?, ?> map ? map.values() : (List<?>) node;
        long size = 1;
        for (Object child : children) {
            size = Math.min(MAX_NODES + 1, size + size(child));
        }
        return size;
    }

    private static ConfigException fail(String source, String path, String message) {
        return new ConfigException(source, List.of(new Problem(path, message)));
    }

    /**
     * @return the names of the environment variables {@code text} refers to with {@code ${NAME}} or
     *         {@code ${NAME:default}}, as the loader reads them
     */
    public static java.util.Set<String> envReferences(String text) {
        return EnvSubstitution.references(text);
    }
}
