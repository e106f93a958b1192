package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.api.Problems;
import io.gatehouse.api.Required;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a key or user file: a YAML list of entries of the same shape as the inline {@code keys} or {@code users},
 * bound as strictly as the gateway binds its config (an unknown key is a problem, a missing required one too, a
 * scalar where a list belongs). Problems are reported with the entry's index, {@code [2].hash}. Nothing here ever
 * repeats a value from the file: a raw key or password pasted where its hash belongs must not reach a log.
 */
final class EntryFile {

    /** Large enough for a hundred thousand keys. */
    private static final int MAX_CODE_POINTS = 64 * 1024 * 1024;

    /** An entry with the path problems about it are reported under. */
    record Located<E>(String path, E entry) {
    }

    /** Checks one bound entry. */
    @FunctionalInterface
    interface Check<E> {
        /**
         * Reports what is wrong with an entry; pure.
         *
         * @param path where the entry is, e.g. {@code keys[2]} or {@code [2]} in a file
         */
        void validate(E entry, String path, Problems problems);
    }

    private EntryFile() {
    }

    /**
     * @param text the file's content; empty (or only comments) means no entries
     * @param type  the entry record: String and List-of-String components only
     * @param check checks each entry once bound, so that problems come in the file's order
     * @return the entries that could be bound; the others are reported
     */
    static <E extends Record> List<Located<E>> parse(String text, Class<E> type, Check<E> check,
                                                     Problems problems) {
        Object document;
        try {
            document = yaml().load(text);
        } catch (MarkedYAMLException e) {
            problems.add("", "not valid YAML: " + e.getProblem() + at(e.getProblemMark()));
            return List.of();
        } catch (YAMLException e) {
            problems.add("", "not valid YAML");
            return List.of();
        }
        if (document == null) {
            return List.of();
        }
        if (!(document instanceof List<?> items)) {
            problems.add("", "must be a YAML list of entries (- { ... }), got " + describe(document));
            return List.of();
        }
        List<Located<E>> entries = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = "[" + i + "]";
            if (items.get(i) instanceof Map<?, ?> fields) {
                E entry = bind(type, fields, path, problems);
                if (entry != null) {
                    check.validate(entry, path, problems);
                    entries.add(new Located<>(path, entry));
                }
            } else {
                problems.add(path, "must be a map of " + String.join(", ", keys(type)) + ", got "
                        + describe(items.get(i)));
            }
        }
        return entries;
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        options.setCodePointLimit(MAX_CODE_POINTS);
        return new Yaml(new SafeConstructor(options));
    }

    private static String at(Mark mark) {
        return mark == null ? "" : " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")";
    }

    private static <E extends Record> E bind(Class<E> type, Map<?, ?> fields, String path, Problems problems) {
        RecordComponent[] components = type.getRecordComponents();
        Map<String, RecordComponent> byKey = new LinkedHashMap<>();
        for (RecordComponent component : components) {
            byKey.put(snakeCase(component.getName()), component);
        }
        boolean valid = true;
        for (Object key : fields.keySet()) {
            if (!byKey.containsKey(String.valueOf(key))) {
                // a name that looks like a key name is shown; anything else might be a secret pasted in
                String shown = String.valueOf(key).matches("[A-Za-z_]{1,32}") ? "." + key : "";
                problems.add(path + shown, "unknown key" + (shown.isEmpty() ? " (not shown)" : "")
                        + " (known keys: " + String.join(", ", byKey.keySet()) + ")");
                valid = false;
            }
        }
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        int i = 0;
        for (Map.Entry<String, RecordComponent> named : byKey.entrySet()) {
            RecordComponent component = named.getValue();
            types[i] = component.getType();
            Object raw = fields.get(named.getKey());
            String where = path + "." + named.getKey();
            if (raw == null) {
                if (component.isAnnotationPresent(Required.class)) {
                    problems.add(where, "required");
                    valid = false;
                }
            } else if (component.getType() == String.class) {
                values[i] = text(raw, where, problems);
                valid &= values[i] != null;
            } else {
                values[i] = texts(raw, where, problems);
                valid &= values[i] != null;
            }
            i++;
        }
        if (!valid) {
            return null;
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a " + type.getSimpleName(), e);
        }
    }

    private static String text(Object raw, String where, Problems problems) {
        if (raw instanceof String s) {
            return s;
        }
        if (raw instanceof Integer || raw instanceof Long || raw instanceof BigInteger || raw instanceof Boolean) {
            return raw.toString();
        }
        problems.add(where, "expected a string, got " + describe(raw) + "; quote it to keep it as written");
        return null;
    }

    private static List<String> texts(Object raw, String where, Problems problems) {
        if (!(raw instanceof List<?> list)) {
            problems.add(where, "expected a list, got " + describe(raw));
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String value = list.get(i) == null ? null : text(list.get(i), where + "[" + i + "]", problems);
            if (list.get(i) != null && value == null) {
                return null;
            }
            out.add(value);
        }
        return out;
    }

    private static String describe(Object node) {
        if (node instanceof Map<?, ?>) {
            return "a map";
        }
        if (node instanceof List<?>) {
            return "a list";
        }
        return "a " + node.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    private static List<String> keys(Class<? extends Record> type) {
        List<String> keys = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            keys.add(snakeCase(component.getName()));
        }
        return keys;
    }

    private static String snakeCase(String name) {
        StringBuilder out = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
