package io.gatehouse.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * HTTP header fields: names are case-insensitive (ASCII case), each name keeps the order and multiplicity of its
 * values, and the spelling of a name is the one it was first added with. Not thread-safe: a {@code Headers} belongs
 * to one exchange.
 */
public final class Headers {

    // Every request and response passes through several of these, so they are kept cheap for the usual dozen
    // fields: an array in insertion order searched by length and ASCII case, no lower-cased key per call. Past
    // INDEX_FROM fields a map from the lower-cased name keeps lookups constant, so many fields cost no more per field.
    private static final int INDEX_FROM = 16;

    private Field[] fields = new Field[8];
    private int size;
    private Map<String, Field> index;

    /** Creates an empty set of headers. */
    public Headers() {
    }

    /**
     * Creates headers from name/value pairs.
     *
     * @param namesAndValues an even number of strings: name, value, name, value, ...
     * @return the new headers
     * @throws IllegalArgumentException if the number of strings is odd or a name is invalid
     */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Headers.of needs name/value pairs, got an odd number of strings");
        }
        Headers headers = new Headers();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    /**
     * The first value of a header.
     *
     * @param name the header name, in any case
     * @return the first value, or empty when the header is absent
     */
    public Optional<String> first(String name) {
        Field field = find(name);
        return field == null ? Optional.empty() : Optional.of(field.first);
    }

    /**
     * All values of a header, in the order they were added.
     *
     * @param name the header name, in any case
     * @return an unmodifiable list, empty when the header is absent
     */
    public List<String> all(String name) {
        Field field = find(name);
        if (field == null) {
            return List.of();
        }
        return field.more == null ? List.of(field.first) : Collections.unmodifiableList(field.more);
    }

    /**
     * Whether a header is present.
     *
     * @param name the header name, in any case
     * @return {@code true} if it has at least one value
     */
    public boolean contains(String name) {
        return find(name) != null;
    }

    /**
     * Replaces all values of a header with one value.
     *
     * @param name  the header name
     * @param value the value
     * @return this
     * @throws IllegalArgumentException if the name is not an HTTP token or the value holds CR, LF or NUL
     */
    public Headers set(String name, String value) {
        checkValue(name, value);
        Field field = new Field(checkName(name), value);
        int at = indexOf(name);
        if (at < 0) {
            append(field);
        } else {
            fields[at] = field;
            if (index != null) {
                index.put(key(name), field);
            }
        }
        return this;
    }

    /**
     * Adds a value to a header, after any it already has.
     *
     * @param name  the header name
     * @param value the value
     * @return this
     * @throws IllegalArgumentException if the name is not an HTTP token or the value holds CR, LF or NUL
     */
    public Headers add(String name, String value) {
        checkValue(name, value);
        Field field = find(name);
        if (field == null) {
            append(new Field(checkName(name), value));
        } else {
            field.add(value);
        }
        return this;
    }

    /**
     * Removes a header.
     *
     * @param name the header name, in any case
     * @return {@code true} if it was present
     */
    public boolean remove(String name) {
        int at = indexOf(name);
        if (at < 0) {
            return false;
        }
        System.arraycopy(fields, at + 1, fields, at, size - at - 1);
        fields[--size] = null;
        if (index != null) {
            index.remove(key(name));
        }
        return true;
    }

    /**
     * Removes every header whose name (as first spelled) matches.
     *
     * @param name tells which names to remove, e.g. {@code n -> n.regionMatches(true, 0, "x-consumer-", 0, 11)}
     * @return whether any header was removed
     * @since 1.2.0
     */
    public boolean removeIf(Predicate<String> name) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            Field field = fields[i];
            if (!name.test(field.name)) {
                fields[kept++] = field;
            } else if (index != null) {
                index.remove(key(field.name));
            }
        }
        boolean removed = kept < size;
        Arrays.fill(fields, kept, size, null);
        size = kept;
        return removed;
    }

    /**
     * The header names, spelled as first added.
     *
     * @return an unmodifiable snapshot of the names, in insertion order
     */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < size; i++) {
            names.add(fields[i].name);
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * Calls {@code action} once per value, in order.
     *
     * @param action receives the name (as first spelled) and one value
     */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < size; i++) {
            Field field = fields[i];
            if (field.more == null) {
                action.accept(field.name, field.first);
            } else {
                for (String value : field.more) {
                    action.accept(field.name, value);
                }
            }
        }
    }

    /**
     * The number of distinct header names.
     *
     * @return the count
     */
    public int size() {
        return size;
    }

    /**
     * A deep copy.
     *
     * @return new headers with the same names and values
     */
    public Headers copy() {
        Headers copy = new Headers();
        copy.fields = new Field[Math.max(8, size)];
        for (int i = 0; i < size; i++) {
            copy.append(fields[i].copy());
        }
        return copy;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("Headers{");
        forEach((name, value) -> out.append(name).append(": ").append(value).append("; "));
        return out.append('}').toString();
    }

    private Field find(String name) {
        Objects.requireNonNull(name, "header name");
        if (index != null) {
            return index.get(key(name));
        }
        int at = scan(name);
        return at < 0 ? null : fields[at];
    }

    private int indexOf(String name) {
        Objects.requireNonNull(name, "header name");
        if (index != null) {
            Field field = index.get(key(name));
            if (field == null) {
                return -1;
            }
            for (int i = 0; i < size; i++) {
                if (fields[i] == field) {
                    return i;
                }
            }
            throw new IllegalStateException("header index out of step");
        }
        return scan(name);
    }

    private int scan(String name) {
        int length = name.length();
        for (int i = 0; i < size; i++) {
            String candidate = fields[i].name;
            if (candidate.length() == length && sameName(candidate, name)) {
                return i;
            }
        }
        return -1;
    }

    private void append(Field field) {
        if (size == fields.length) {
            fields = Arrays.copyOf(fields, size * 2);
        }
        fields[size++] = field;
        if (index != null) {
            index.put(key(field.name), field);
        } else if (size > INDEX_FROM) {
            index = new HashMap<>();
            for (int i = 0; i < size; i++) {
                index.put(key(fields[i].name), fields[i]);
            }
        }
    }

    /** Equal ignoring ASCII case only (a name is a token: ASCII); the lengths are known to be equal. */
    private static boolean sameName(String a, String b) {
        for (int i = 0; i < a.length(); i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y && (lowerAscii(x) != lowerAscii(y))) {
                return false;
            }
        }
        return true;
    }

    private static char lowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** The name lower-cased in ASCII only, matching {@link #sameName}. */
    private static String key(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = name.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    chars[j] = lowerAscii(chars[j]);
                }
                return new String(chars);
            }
        }
        return name;
    }

    private static String checkName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("header name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!HttpTokens.isTchar(c)) {
                throw new IllegalArgumentException("header name '" + name + "' has an invalid character at " + i);
            }
        }
        return name;
    }

    private static void checkValue(String name, String value) {
        Objects.requireNonNull(value, () -> "value of header " + name);
        // three vectorized scans beat one loop over the chars of a long value (a bearer token, a cookie)
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf(0) >= 0) {
            throw new IllegalArgumentException("value of header '" + name + "' holds CR, LF or NUL");
        }
    }

    /** One name's values: the first on its own, all of them in a list once there is a second. */
    private static final class Field {
        private final String name;
        private final String first;
        private List<String> more;

        private Field(String name, String first) {
            this.name = name;
            this.first = first;
        }

        private void add(String value) {
            if (more == null) {
                more = new ArrayList<>(4);
                more.add(first);
            }
            more.add(value);
        }

        private Field copy() {
            Field copy = new Field(name, first);
            if (more != null) {
                copy.more = new ArrayList<>(more);
            }
            return copy;
        }
    }
}
