package io.gatehouse.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * HTTP header fields: names are case-insensitive, each name keeps the order and multiplicity of its values, and
 * the spelling of a name is the one it was first added with. Not thread-safe: a {@code Headers} belongs to one
 * exchange.
 */
public final class Headers {


    private final Map<String, Field> fields = new LinkedHashMap<>();

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
        Field field = fields.get(key(name));
        return field == null ? Optional.empty() : Optional.of(field.values.getFirst());
    }

    /**
     * All values of a header, in the order they were added.
     *
     * @param name the header name, in any case
     * @return an unmodifiable list, empty when the header is absent
     */
    public List<String> all(String name) {
        Field field = fields.get(key(name));
        return field == null ? List.of() : Collections.unmodifiableList(field.values);
    }

    /**
     * Whether a header is present.
     *
     * @param name the header name, in any case
     * @return {@code true} if it has at least one value
     */
    public boolean contains(String name) {
        return fields.containsKey(key(name));
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
        Field field = new Field(checkName(name));
        field.values.add(value);
        fields.put(key(name), field);
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
        fields.computeIfAbsent(key(name), k -> new Field(checkName(name))).values.add(value);
        return this;
    }

    /**
     * Removes a header.
     *
     * @param name the header name, in any case
     * @return {@code true} if it was present
     */
    public boolean remove(String name) {
        return fields.remove(key(name)) != null;
    }

    /**
     * Removes every header whose name (as first spelled) matches.
     *
     * @param name tells which names to remove, e.g. {@code n -> n.regionMatches(true, 0, "x-consumer-", 0, 11)}
     * @return whether any header was removed
     * @since 1.2.0
     */
    public boolean removeIf(java.util.function.Predicate<String> name) {
        return fields.values().removeIf(field -> name.test(field.name));
    }

    /**
     * The header names, spelled as first added.
     *
     * @return an unmodifiable snapshot of the names, in insertion order
     */
    public Set<String> names() {
        Set<String> names = new java.util.LinkedHashSet<>();
        for (Field field : fields.values()) {
            names.add(field.name);
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * Calls {@code action} once per value, in order.
     *
     * @param action receives the name (as first spelled) and one value
     */
    public void forEach(BiConsumer<String, String> action) {
        for (Field field : fields.values()) {
            for (String value : field.values) {
                action.accept(field.name, value);
            }
        }
    }

    /**
     * The number of distinct header names.
     *
     * @return the count
     */
    public int size() {
        return fields.size();
    }

    /**
     * A deep copy.
     *
     * @return new headers with the same names and values
     */
    public Headers copy() {
        Headers copy = new Headers();
        for (Map.Entry<String, Field> entry : fields.entrySet()) {
            Field field = new Field(entry.getValue().name);
            field.values.addAll(entry.getValue().values);
            copy.fields.put(entry.getKey(), field);
        }
        return copy;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("Headers{");
        forEach((name, value) -> out.append(name).append(": ").append(value).append("; "));
        return out.append('}').toString();
    }

    private static String key(String name) {
        Objects.requireNonNull(name, "header name");
        return name.toLowerCase(Locale.ROOT);
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
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("value of header '" + name + "' holds CR, LF or NUL");
            }
        }
    }

    private static final class Field {
        private final String name;
        private final List<String> values = new ArrayList<>(1);

        private Field(String name) {
            this.name = name;
        }
    }
}
