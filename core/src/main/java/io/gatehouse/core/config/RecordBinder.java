package io.gatehouse.core.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds a parsed YAML tree strictly to a record type, by reflection over its components, and reports every problem
 * with its config path. Used for the core model and for the config record of every plugin.
 *
 * <ul>
 *   <li>A component {@code fooBar} is the key {@code foo_bar}. An unknown key is a problem, listing the known keys
 *       (or saying the record takes no options, for an empty one).
 *   <li>A missing (or null) component marked {@link io.gatehouse.api.Required} is a problem ({@code path: required});
 *       a missing optional one is bound to {@code null}, 0 or {@code false} and the compact constructor applies its
 *       default. An {@link IllegalArgumentException} from the compact constructor becomes a problem at the record's
 *       path with its message.
 *   <li>A scalar given where a record is expected binds to the record's first component (shortcut form:
 *       {@code strip_prefix: 2}), provided that component is a scalar type.
 *   <li>Supported component types: {@code String}, {@code boolean}, {@code int}, {@code long}, {@code double} (and
 *       their boxes), {@link java.time.Duration}, {@link ByteSize}, enums, records, {@code List<X>},
 *       {@code Map<String, X>} (in YAML order), {@code Object} (the raw node), and {@link ComponentSpec} /
 *       {@link FilterSpec}. Scalar rules are in {@link ScalarConverter}: notably, non-string fields accept a string
 *       that is exactly their text, which is what {@code ${VAR}} substitution produces.
 * </ul>
 * Bound lists and maps are unmodifiable. Instances are stateless and thread-safe.
 */
public final class RecordBinder {

    /**
     * Binds {@code node} to {@code type}.
     *
     * @param node     the parsed tree: {@code Map}, {@code List}, {@code String}, a number, {@code Boolean} or
     *                 {@code null}; a {@code null} node binds a record type as an empty map (all defaults)
     * @param type     the target type, usually a record
     * @param path     the config path of {@code node}, for problems; empty at the document root
     * @param problems where problems are added; every one is reported, not just the first
     * @return the bound value, or {@code null} if any problem was added by this call
     */
    public <T> T bind(Object node, Class<T> type, String path, List<Problem> problems) {
        int before = problems.size();
        Object value = bindPartial(node, type, path, problems);
        if (problems.size() > before) {
            return null;
        }
        @SuppressWarnings("unchecked")
        T result = (T) value;
        return result;
    }

    /**
     * Like {@link #bind} but returns what could be built even after problems, with failed parts {@code null}, so
     * that later checks can still find their own problems. Such a value must never be served.
     */
    Object bindPartial(Object node, Type type, String path, List<Problem> problems) {
        boolean record = type instanceof Class<?> c && c.isRecord();
        return bindValue(node == null && record ? Map.of() : node, type, path, problems);
    }

    private Object bindValue(Object node, Type type, String path, List<Problem> problems) {
        if (type instanceof WildcardType wildcard) {
            type = wildcard.getUpperBounds()[0];
        }
        if (type instanceof ParameterizedType parameterized) {
            return bindGeneric(node, parameterized, path, problems);
        }
        if (!(type instanceof Class<?> c)) {
            return unsupported(type, path, problems);
        }
        if (node == null || node == EnvSubstitution.UNRESOLVED) {
            return zero(c);
        }
        if (c == Object.class) {
            return node;
        }
        if (c == ComponentSpec.class) {
            return bindComponent(node, path, problems);
        }
        if (c == FilterSpec.class) {
            return bindFilter(node, path, problems);
        }
        if (ScalarConverter.supports(c)) {
            return ScalarConverter.convert(node, c, path, problems);
        }
        if (c.isRecord()) {
            return bindRecord(node, RecordShape.of(c), path, problems);
        }
        if (c == List.class || c == Collection.class) {
            return bindList(node, Object.class, path, problems);
        }
        if (c == Map.class) {
            return bindMap(node, Object.class, path, problems);
        }
        return unsupported(type, path, problems);
    }

    private Object bindGeneric(Object node, ParameterizedType type, String path, List<Problem> problems) {
        Type[] args = type.getActualTypeArguments();
        if (type.getRawType() == List.class || type.getRawType() == Collection.class) {
            return bindList(node, args[0], path, problems);
        }
        if (type.getRawType() == Map.class && args[0] == String.class) {
            return bindMap(node, args[1], path, problems);
        }
        return unsupported(type, path, problems);
    }

    private Object bindRecord(Object node, RecordShape shape, String path, List<Problem> problems) {
        if (shape.constructor == null) {
            return unsupported(shape.type, path, problems);
        }
        if (!(node instanceof Map<?, ?> map)) {
            return bindShortcut(node, shape, path, problems);
        }
        int before = problems.size();
        Object[] args = new Object[shape.keys.size()];
        boolean[] present = new boolean[args.length];
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey());
            int i = shape.indexOf(key);
            if (i < 0) {
                problems.add(new Problem(ConfigPath.key(path, key), shape.keys.isEmpty()
                        ? "unknown key (this takes no options)"
                        : "unknown key (known keys: " + String.join(", ", shape.keys) + ")"));
                continue;
            }
            present[i] = entry.getValue() != null;
            args[i] = bindValue(entry.getValue(), shape.types[i], ConfigPath.key(path, key), problems);
        }
        for (int i = 0; i < args.length; i++) {
            if (shape.required[i] && !present[i]) {
                problems.add(new Problem(ConfigPath.key(path, shape.keys.get(i)), "required"));
            }
        }
        return construct(shape, args, path, problems, problems.size() > before);
    }

    private Object bindShortcut(Object node, RecordShape shape, String path, List<Problem> problems) {
        boolean scalarFirst = !shape.keys.isEmpty() && !(node instanceof List<?>)
                && shape.types[0] instanceof Class<?> first && (ScalarConverter.supports(first) || first == Object.class);
        if (!scalarFirst) {
            problems.add(new Problem(path, shape.keys.isEmpty()
                    ? "takes no options, got " + ScalarConverter.describe(node)
                    : "expected a map, got " + ScalarConverter.describe(node)));
            return null;
        }
        int before = problems.size();
        Object[] args = new Object[shape.keys.size()];
        args[0] = bindValue(node, shape.types[0], path, problems);
        for (int i = 1; i < args.length; i++) {
            if (shape.required[i]) {
                problems.add(new Problem(ConfigPath.key(path, shape.keys.get(i)), "required"));
            }
        }
        return construct(shape, args, path, problems, problems.size() > before);
    }

    private static Object construct(RecordShape shape, Object[] args, String path, List<Problem> problems,
                                    boolean partsFailed) {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null && shape.types[i] instanceof Class<?> c) {
                args[i] = zero(c);
            }
        }
        try {
            return shape.constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            // After a part failed, the constructor's complaint is usually a consequence of it: stay quiet.
            if (!partsFailed) {
                Throwable cause = e.getCause();
                problems.add(new Problem(path, cause instanceof IllegalArgumentException && cause.getMessage() != null
                        ? cause.getMessage() : "invalid (" + cause + ")"));
            }
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            problems.add(new Problem(path, "cannot build " + shape.type.getName() + ": " + e));
            return null;
        }
    }

    private ComponentSpec bindComponent(Object node, String path, List<Problem> problems) {
        if (node instanceof String type) {
            return new ComponentSpec(type, Map.of(), path);
        }
        if (!(node instanceof Map<?, ?> map)) {
            problems.add(new Problem(path, "expected a map with a 'type' key, got " + ScalarConverter.describe(node)));
            return null;
        }
        Object type = map.get("type");
        if (type == null) {
            problems.add(new Problem(ConfigPath.key(path, "type"), "required"));
            return null;
        }
        String name = (String) ScalarConverter.convert(type, String.class, ConfigPath.key(path, "type"), problems);
        Map<String, Object> options = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            if (!"type".equals(key)) {
                options.put(String.valueOf(key), value);
            }
        });
        return name == null ? null : new ComponentSpec(name, Collections.unmodifiableMap(options), path);
    }

    private static FilterSpec bindFilter(Object node, String path, List<Problem> problems) {
        if (node instanceof String name && !name.isBlank()) {
            return new FilterSpec(name, null, path);
        }
        if (node instanceof Map<?, ?> map && map.size() == 1
                && map.keySet().iterator().next() instanceof String name && !name.isBlank()) {
            return new FilterSpec(name, map.get(name), path);
        }
        problems.add(new Problem(path, "a filter is a name or a one-key map {name: config}"));
        return null;
    }

    private List<Object> bindList(Object node, Type elementType, String path, List<Problem> problems) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof List<?> list)) {
            problems.add(new Problem(path, "expected a list, got " + ScalarConverter.describe(node)));
            return null;
        }
        List<Object> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(bindElement(list.get(i), elementType, ConfigPath.index(path, i), problems));
        }
        return Collections.unmodifiableList(out);
    }

    private Map<String, Object> bindMap(Object node, Type valueType, String path, List<Problem> problems) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof Map<?, ?> map)) {
            problems.add(new Problem(path, "expected a map, got " + ScalarConverter.describe(node)));
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object key = entry.getKey();
            if (key instanceof Map<?, ?> || key instanceof List<?> || key == null) {
                problems.add(new Problem(path, "a key must be a name, got " + ScalarConverter.describe(key)));
                continue;
            }
            String name = key.toString();
            out.put(name, bindElement(entry.getValue(), valueType, ConfigPath.key(path, name), problems));
        }
        return Collections.unmodifiableMap(out);
    }

    private Object bindElement(Object node, Type type, String path, List<Problem> problems) {
        if (node == null && type != Object.class) {
            problems.add(new Problem(path, "must not be empty"));
            return null;
        }
        return bindValue(node, type, path, problems);
    }

    private static Object unsupported(Type type, String path, List<Problem> problems) {
        problems.add(new Problem(path, "cannot bind config type " + type.getTypeName()
                + " (records, List, Map<String, X>, enums and scalars only)"));
        return null;
    }

    private static Object zero(Class<?> type) {
        if (!type.isPrimitive()) {
            return null;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0.0;
        }
        return 0;
    }
}
