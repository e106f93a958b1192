package io.gatehouse.core.route;

import java.util.Map;

/**
 * An immutable open-addressing table from a static segment to a child node, looked up by a region of the request
 * path so that matching never cuts the path into substrings.
 */
final class StaticChildren<V> {

    private static final StaticChildren<?> EMPTY = new StaticChildren<>(Map.of());

    private final String[] keys;
    private final Object[] values;
    private final int mask;

    private StaticChildren(Map<String, V> children) {
        int capacity = Integer.highestOneBit(Math.max(1, children.size()) * 4 - 1);
        keys = new String[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        children.forEach((key, value) -> {
            int slot = hash(key, 0, key.length()) & mask;
            while (keys[slot] != null) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            values[slot] = value;
        });
    }

    @SuppressWarnings("unchecked")
    static <V> StaticChildren<V> of(Map<String, V> children) {
        return children.isEmpty() ? (StaticChildren<V>) EMPTY : new StaticChildren<>(children);
    }

    /** The child for {@code path[start, end)}, or null. */
    @SuppressWarnings("unchecked")
    V get(String path, int start, int end) {
        int length = end - start;
        for (int slot = hash(path, start, end) & mask; keys[slot] != null; slot = (slot + 1) & mask) {
            String key = keys[slot];
            if (key.length() == length && path.regionMatches(start, key, 0, length)) {
                return (V) values[slot];
            }
        }
        return null;
    }

    private static int hash(String s, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + s.charAt(i);
        }
        return h ^ (h >>> 16);
    }
}
