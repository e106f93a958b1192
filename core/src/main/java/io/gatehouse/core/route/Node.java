package io.gatehouse.core.route;

import java.util.LinkedHashMap;
import java.util.Map;

/** One trie position: a path segment depth reached through fixed static or parameter segments. Immutable. */
final class Node<T> {

    final StaticChildren<Node<T>> statics;
    final Node<T> param;
    /** Rules whose template ends here; null if none. */
    final Leaf<T> leaf;
    /** Rules whose template has a catch-all here; null if none. */
    final Leaf<T> catchAll;

    private Node(Builder<T> builder) {
        if (builder.statics == null) {
            statics = StaticChildren.of(Map.of());
        } else {
            Map<String, Node<T>> children = new LinkedHashMap<>();
            builder.statics.forEach((segment, child) -> children.put(segment, child.build()));
            statics = StaticChildren.of(children);
        }
        param = builder.param == null ? null : builder.param.build();
        leaf = builder.leaf == null ? null : builder.leaf.build();
        catchAll = builder.catchAll == null ? null : builder.catchAll.build();
    }

    static final class Builder<T> {
        /** Made when first needed: most nodes of a big table are leaves. */
        private Map<String, Builder<T>> statics;
        private Builder<T> param;
        private Leaf.Builder<T> leaf;
        private Leaf.Builder<T> catchAll;

        Builder<T> staticChild(String segment) {
            if (statics == null) {
                statics = new LinkedHashMap<>();
            }
            return statics.computeIfAbsent(segment, s -> new Builder<>());
        }

        Builder<T> paramChild() {
            if (param == null) {
                param = new Builder<>();
            }
            return param;
        }

        Leaf.Builder<T> leaf() {
            if (leaf == null) {
                leaf = new Leaf.Builder<>();
            }
            return leaf;
        }

        Leaf.Builder<T> catchAll() {
            if (catchAll == null) {
                catchAll = new Leaf.Builder<>();
            }
            return catchAll;
        }

        Node<T> build() {
            return new Node<>(this);
        }
    }
}
