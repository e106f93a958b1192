package io.gatehouse.core.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gatehouse.api.config.CoreSchemaResolver;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A config file as a YAML node tree, edited in place and written back. Comments are kept (SnakeYAML's comment
 * processing), so are the scalars' quoting and the collections' flow or block style; {@code ${VAR}} references
 * are plain strings here and stay as written. The text is re-emitted, so indentation and line breaks of the whole
 * file take SnakeYAML's layout (2-space indent, sequences indented under their key).
 */
final class YamlDocument {

    private static final System.Logger LOG = System.getLogger(YamlDocument.class.getName());
    private static final int MAX_CHARS = 4 * 1024 * 1024;
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final Yaml yaml;
    private final MappingNode root;

    private YamlDocument(Yaml yaml, MappingNode root) {
        this.yaml = yaml;
        this.root = root;
    }

    /** @throws IllegalArgumentException when the text is not a YAML map (the loader accepted it, so: a bug) */
    static YamlDocument parse(String text) {
        Yaml yaml = yaml(true);
        Node node = yaml.compose(new StringReader(text));
        if (node == null) {
            node = new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
        }
        if (!(node instanceof MappingNode map)) {
            throw new IllegalArgumentException("the config is not a map");
        }
        return new YamlDocument(yaml, map);
    }

    /**
     * Parses a request body, YAML or JSON (JSON is YAML), without comments.
     *
     * @throws org.yaml.snakeyaml.error.YAMLException when it is not YAML
     */
    static Node parseBody(String text) {
        Yaml yaml = yaml(false);
        // composing alone does not see a key given twice; constructing does (and refuses it)
        yaml.load(new StringReader(text));
        return yaml.compose(new StringReader(text));
    }

    /** @return the node of a value parsed from JSON (maps, lists, strings, numbers, booleans, nulls) */
    static Node fromJson(Object value) {
        return yaml(false).represent(value);
    }

    private static Yaml yaml(boolean comments) {
        LoaderOptions loader = new LoaderOptions();
        loader.setProcessComments(comments);
        loader.setAllowDuplicateKeys(false);
        loader.setMaxAliasesForCollections(50);
        loader.setNestingDepthLimit(50);
        loader.setCodePointLimit(MAX_CHARS);
        DumperOptions dumper = new DumperOptions();
        dumper.setProcessComments(comments);
        dumper.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        dumper.setIndent(2);
        dumper.setIndicatorIndent(2);
        dumper.setIndentWithIndicator(true);
        dumper.setWidth(120);
        dumper.setSplitLines(false);
        return new Yaml(new SafeConstructor(loader), new Representer(dumper), dumper, loader,
                new CoreSchemaResolver());
    }

    /**
     * @return the document as YAML text, with its comments when SnakeYAML can write them so that the text reads
     * back as the same data; else without comments (logged)
     */
    String dump() {
        blockWhereCommented(root, false);
        String text = serialize(root);
        Object expected;
        Object got;
        try {
            got = yaml(false).load(text);
        } catch (RuntimeException e) {
            got = e;
        }
        stripComments(root);
        String plain = serialize(root);
        expected = yaml(false).load(plain);
        if (expected == null ? got == null : expected.equals(got)) {
            return text;
        }
        LOG.log(System.Logger.Level.WARNING, "the comments of the config file could not be kept where they were: "
                + "it is written without comments");
        return plain;
    }

    private String serialize(Node node) {
        StringWriter out = new StringWriter();
        yaml.serialize(node, out);
        return out.toString();
    }

    /**
     * SnakeYAML writes a comment before a flow collection in a sequence, or inside a flow collection, where it
     * breaks the YAML: such a collection is written in block style instead.
     *
     * @return whether {@code node} or anything in it carries a comment
     */
    private static boolean blockWhereCommented(Node node, boolean sequenceItem) {
        boolean commented = node.getBlockComments() != null && !node.getBlockComments().isEmpty();
        boolean inside = false;
        if (node instanceof MappingNode map) {
            for (NodeTuple tuple : map.getValue()) {
                inside |= blockWhereCommented(tuple.getKeyNode(), false);
                inside |= blockWhereCommented(tuple.getValueNode(), false);
            }
        } else if (node instanceof SequenceNode sequence) {
            for (Node item : sequence.getValue()) {
                inside |= blockWhereCommented(item, true);
            }
        }
        if (node instanceof org.yaml.snakeyaml.nodes.CollectionNode<?> collection
                && collection.getFlowStyle() == DumperOptions.FlowStyle.FLOW && !isEmpty(collection)
                && (inside || (commented && sequenceItem))) {
            collection.setFlowStyle(DumperOptions.FlowStyle.BLOCK);
        }
        return commented || inside || node.getInLineComments() != null && !node.getInLineComments().isEmpty();
    }

    private static boolean isEmpty(org.yaml.snakeyaml.nodes.CollectionNode<?> collection) {
        return collection.getValue().isEmpty();
    }

    private static void stripComments(Node node) {
        node.setBlockComments(null);
        node.setInLineComments(null);
        node.setEndComments(null);
        if (node instanceof MappingNode map) {
            for (NodeTuple tuple : map.getValue()) {
                stripComments(tuple.getKeyNode());
                stripComments(tuple.getValueNode());
            }
        } else if (node instanceof SequenceNode sequence) {
            sequence.getValue().forEach(YamlDocument::stripComments);
        }
    }

    /** @return the value under {@code key} at the top level, or {@code null} */
    Node top(String key) {
        for (NodeTuple tuple : root.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return tuple.getValueNode();
            }
        }
        return null;
    }

    /** Sets the value under {@code key} at the top level, appending the key when it is new. */
    void setTop(String key, Node value) {
        set(root, key, value);
    }

    static void set(MappingNode map, String key, Node value) {
        List<NodeTuple> tuples = map.getValue();
        for (int i = 0; i < tuples.size(); i++) {
            if (tuples.get(i).getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                tuples.set(i, new NodeTuple(tuples.get(i).getKeyNode(), value));
                return;
            }
        }
        tuples.add(new NodeTuple(scalar(key), value));
    }

    /** @return the mapping's value under {@code key}, or {@code null} */
    static Node get(Node map, String key) {
        if (map instanceof MappingNode m) {
            for (NodeTuple tuple : m.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return tuple.getValueNode();
                }
            }
        }
        return null;
    }

    /** Removes {@code key} from the mapping; @return whether it was there */
    static boolean remove(MappingNode map, String key) {
        return map.getValue().removeIf(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key));
    }

    /** @return the text of a scalar node, or {@code null} for anything else */
    static String text(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue() : null;
    }

    static ScalarNode scalar(String value) {
        return new ScalarNode(Tag.STR, value, null, null, DumperOptions.ScalarStyle.PLAIN);
    }

    static SequenceNode emptySequence() {
        return new SequenceNode(Tag.SEQ, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
    }

    static MappingNode emptyMap() {
        return new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
    }

    /**
     * @return the SHA-256 (hex) of the node's canonical JSON (keys sorted, {@code ${VAR}} as written), or
     * {@code null} for no node
     */
    String digest(Node node) {
        if (node == null) {
            return null;
        }
        try {
            StringWriter text = new StringWriter();
            yaml.serialize(node, text);
            Object value = yaml(false).load(text.toString());
            return ConfigText.sha256(CANONICAL.writeValueAsBytes(value));
        } catch (Exception e) {
            return null;
        }
    }
}
