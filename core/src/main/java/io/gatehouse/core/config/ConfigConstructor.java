package io.gatehouse.core.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.Set;

/**
 * SnakeYAML's safe constructor, minus its bookkeeping for scalars whose values are immutable. It remembers every
 * node it constructed (so that an alias gets the same object, and so that recursion is found) in two hash tables that
 * grow to the size of the document; for a string, number, boolean or null the same value built twice is as good as
 * the same object, and a scalar cannot contain itself, so those skip the tables. Maps, lists, timestamps and binaries
 * go the usual way.
 */
final class ConfigConstructor extends SafeConstructor {
    private static final Set<Tag> IMMUTABLE = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL);

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
        asked++;
        return super.constructObject(node);
    }

    @Override
    protected Object constructObjectNoCheck(Node node) {
        built++;
        return super.constructObjectNoCheck(node);
    }

    /**
     * @return whether some value was handed out more than once (an alias, a merge key, a collection used as a key),
     *         so that the tree may share a map or list between places, or contain itself; false means every map
     *         and list of the tree sits in one place only
     */
    boolean shared() {
        return asked != built;
    }
}
