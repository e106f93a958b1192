package io.gatehouse.core.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.Construct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * SnakeYAML's safe constructor, minus bookkeeping a config rarely needs. It remembers every node it constructed
 * (so that an alias gets the same object, and so that recursion is found) in two hash tables that grow to the size
 * of the document, and checks every mapping's keys for duplicates through a hash map and a tree set. Here:
 * <ul>
 *   <li>a string, number, boolean or null scalar skips the tables: the same value built twice is as good as the same
 *       object, and a scalar cannot contain itself;</li>
 *   <li>in a document without anchors no node can be reached twice (aliases, merge keys and recursion all need an
 *       anchor), so nothing goes through the tables;</li>
 *   <li>a small mapping's keys are compared pairwise; on any doubt (a duplicate, a key whose hash fails) SnakeYAML's
 *       own check runs, so errors are its own.</li>
 * </ul>
 */
final class ConfigConstructor extends SafeConstructor {
    private static final Set<Tag> IMMUTABLE = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL);
    /** Up to this many keys, comparing each with each is cheaper than a hash map and a tree set. */
    private static final int SMALL_MAPPING = 16;

    private Boolean anchored;
    private long asked;
    private long built;

    ConfigConstructor(LoaderOptions options) {
        super(options);
    }

    @Override
    protected Object constructObject(Node node) {
        if (node instanceof ScalarNode && IMMUTABLE.contains(node.getTag())) {
            return finalizeConstruction(node, getConstructor(node).construct(node));
        }
        if (anchored == null && node != null) {
            anchored = hasAnchor(node); // the first node asked for is the document's root
        }
        if (Boolean.FALSE.equals(anchored)) {
            // what constructObjectNoCheck does, without the tables
            Construct construct = getConstructor(node);
            Object data = finalizeConstruction(node, construct.construct(node));
            if (node.isTwoStepsConstruction()) {
                construct.construct2ndStep(node, data);
            }
            return data;
        }
        asked++;
        return super.constructObject(node);
    }

    @Override
    protected Object constructObjectNoCheck(Node node) {
        built++;
        return super.constructObjectNoCheck(node);
    }

    @Override
    protected void processDuplicateKeys(MappingNode node, boolean forceStringKeys) {
        List<NodeTuple> tuples = node.getValue();
        if (forceStringKeys || isAllowDuplicateKeys() || tuples.size() > SMALL_MAPPING) {
            super.processDuplicateKeys(node, forceStringKeys);
            return;
        }
        Object[] keys = new Object[tuples.size()];
        int count = 0;
        for (NodeTuple tuple : tuples) {
            Node keyNode = tuple.getKeyNode();
            if (keyNode.getTag().equals(Tag.MERGE)) {
                continue;
            }
            Object key = constructObject(keyNode);
            boolean doubt = false;
            try {
                if (key != null) {
                    key.hashCode(); // SnakeYAML refuses a key whose hash fails (a map that contains itself)
                }
                for (int i = 0; i < count && !doubt; i++) {
                    doubt = Objects.equals(keys[i], key);
                }
            } catch (RuntimeException e) {
                doubt = true;
            }
            if (doubt) {
                super.processDuplicateKeys(node, false);
                return;
            }
            keys[count++] = key;
        }
    }

    /**
     * @return whether some value was handed out more than once (an alias, a merge key, a collection used as a key),
     *         so that the tree may share a map or list between places, or contain itself; false means every map
     *         and list of the tree sits in one place only
     */
    boolean shared() {
        return asked != built;
    }

    /** @return whether the document held an anchor (only an anchored document can hold an alias) */
    boolean anchored() {
        return Boolean.TRUE.equals(anchored);
    }

    /** Stops at the first anchor, so a node that contains itself (which needs one) ends the walk. */
    private static boolean hasAnchor(Node node) {
        if (node.getAnchor() != null) {
            return true;
        }
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (hasAnchor(tuple.getKeyNode()) || hasAnchor(tuple.getValueNode())) {
                    return true;
                }
            }
        } else if (node instanceof SequenceNode sequence) {
            for (Node item : sequence.getValue()) {
                if (hasAnchor(item)) {
                    return true;
                }
            }
        }
        return false;
    }
}
