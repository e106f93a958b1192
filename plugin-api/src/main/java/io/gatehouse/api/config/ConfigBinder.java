package io.gatehouse.api.config;

import io.gatehouse.api.Problems;

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
 * with its config path. The gateway binds every component's config record with this class (its own config model
 * with a subclass that adds a few core types), so a plugin's tests see the same values and the same messages; the
 * testkit's {@link io.gatehouse.api.testkit.TestConfig} is the short way to use it in a test.
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
 *       their boxes), {@link java.time.Duration}, enums, records, {@code List<X>}, {@code Map<String, X>} (in YAML
 *       order) and {@code Object} (the raw node). Non-string scalars accept a string that is exactly their text,
 *       which is what {@code ${VAR}} substitution produces; {@code yes} and {@code no} are not booleans.
 * </ul>
 * Bound lists and maps are unmodifiable. Instances are stateless and thread-safe.
 *
 * @since 1.5.0
 */
public class ConfigBinder {

    /** Returned by {@link #bindType} for a type it leaves to this class. */
    protected static final Object NOT_MINE = new Object();

    /** Creates a binder. */
    public ConfigBinder() {
    }

    /**
     * Binds {@code node} to {@code type}.
     *
     * @param node     the parsed tree: {@code Map}, {@code List}, {@code String}, a number, {@code Boolean} or
     *                 {@code null}; a {@code null} node binds a record type as an empty map (all defaults)
     * @param type     the target type, usually a record
     * @param path     the config path of {@code node}, for problems; empty at the root
     * @param problems where problems are added, with their full path; every one is reported, not just the first
     * @param <T>      the target type
     * @return the bound value, or {@code null} if any problem was added by this call
     */
    public <T> T bind(Object node, Class<T> type, String path, Problems problems) {
        int[] added = {0};
        Object value = bindPartial(node, type, path, (at, message) -> {
            added[0]++;
            problems.add(at, message);
        });
        if (added[0] > 0) {
            return null;
        }
        @SuppressWarnings("unchecked")
        T result = (T) value;
        return result;
    }

    /**
     * Like {@link #bind} but returns what could be built even after problems, with failed parts {@code null}, so
     * that later checks can still find their own problems. Such a value must never be served.
     *
     * @param node     the parsed tree
     * @param type     the target type
     * @param path     the config path of {@code node}
     * @param problems where problems are added
     * @return what could be bound
     */
    public Object bindPartial(Object node, Type type, String path, Problems problems) {
        boolean record = type instanceof Class<?> c && c.isRecord();
        return bindValue(node == null && record ? Map.of() : node, type, path, problems);
    }

    /**
     * A subclass's own types: called for every class type before the built-in rules, with a node that is not
     * absent.
     *
     * @param node     the node
     * @param type     the target class
     * @param path     the node's config path
     * @param problems where problems are added
     * @return the bound value ({@code null} after adding a problem), or {@link #NOT_MINE}
     */
    protected Object bindType(Object node, Class<?> type, String path, Problems problems) {
        return NOT_MINE;
    }

    /**
     * @param type a class
     * @return whether a subclass binds {@code type} from a scalar, so that a record whose first component has it
     *         takes the shortcut form
     */
    protected boolean isOwnScalar(Class<?> type) {
        return false;
    }

    /**
     * @param node a node
     * @return whether the node stands for "not given", binding to {@code null}, 0 or {@code false}: here only
     *         {@code null}; a subclass may add its own markers
     */
    protected boolean isAbsent(Object node) {
        return node == null;
    }

    /**
     * @param type a class
     * @return whether this class binds {@code type} from a scalar: strings, booleans, numbers, durations, enums
     */
    public static boolean isScalar(Class<?> type) {
        return ScalarConverter.supports(type);
    }

    /**
     * @param componentName a record component's name, e.g. {@code jwksURL}
     * @return its config key, e.g. {@code jwks_url}
     */
    public static String configKey(String componentName) {
        return RecordShape.snakeCase(componentName);
    }

    /**
     * @param constant an enum constant
     * @return the constant as written in config: {@code LEAST_CONN} and {@code LeastConn} are {@code least_conn}
     */
    public static String configName(Enum<?> constant) {
        return ScalarConverter.configName(constant);
    }

    /**
     * @param node a node
     * @return the node as a human reads it in a message: {@code a map}, {@code 'abc'}, {@code 1.5}, {@code nothing}
     */
    public static String describe(Object node) {
        return ScalarConverter.describe(node);
    }

    private Object bindValue(Object node, Type type, String path, Problems problems) {
        if (type instanceof WildcardType wildcard) {
            type = wildcard.getUpperBounds()[0];
        }
        if (type instanceof ParameterizedType parameterized) {
            return bindGeneric(node, parameterized, path, problems);
        }
        if (!(type instanceof Class<?> c)) {
            return unsupported(type, path, problems);
        }
        if (isAbsent(node)) {
            return zero(c);
        }
        if (c == Object.class) {
            return node;
        }
        Object own = bindType(node, c, path, problems);
        if (own != NOT_MINE) {
            return own;
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

    private Object bindGeneric(Object node, ParameterizedType type, String path, Problems problems) {
        Type[] args = type.getActualTypeArguments();
        if (type.getRawType() == List.class || type.getRawType() == Collection.class) {
            return bindList(node, args[0], path, problems);
        }
        if (type.getRawType() == Map.class && args[0] == String.class) {
            return bindMap(node, args[1], path, problems);
        }
        return unsupported(type, path, problems);
    }

    private Object bindRecord(Object node, RecordShape shape, String path, Problems outer) {
        if (shape.constructor == null) {
            return unsupported(shape.type, path, outer);
        }
        Counting problems = new Counting(outer);
        if (!(node instanceof Map<?, ?> map)) {
            return bindShortcut(node, shape, path, problems);
        }
        Object[] args = new Object[shape.keys.size()];
        boolean[] present = new boolean[args.length];
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey());
            int i = shape.indexOf(key);
            if (i < 0) {
                problems.add(key(path, key), shape.keys.isEmpty()
                        ? "unknown key (this takes no options)"
                        : "unknown key (known keys: " + String.join(", ", shape.keys) + ")");
                continue;
            }
            present[i] = entry.getValue() != null;
            args[i] = bindValue(entry.getValue(), shape.types[i], key(path, key), problems);
        }
        for (int i = 0; i < args.length; i++) {
            if (shape.required[i] && !present[i]) {
                problems.add(key(path, shape.keys.get(i)), "required");
            }
        }
        return construct(shape, args, path, problems, problems.count > 0);
    }

    private Object bindShortcut(Object node, RecordShape shape, String path, Counting problems) {
        boolean scalarFirst = !shape.keys.isEmpty() && !(node instanceof List<?>)
                && shape.types[0] instanceof Class<?> first
                && (ScalarConverter.supports(first) || isOwnScalar(first) || first == Object.class);
        if (!scalarFirst) {
            problems.add(path, shape.keys.isEmpty()
                    ? "takes no options, got " + ScalarConverter.describe(node)
                    : "expected a map, got " + ScalarConverter.describe(node));
            return null;
        }
        Object[] args = new Object[shape.keys.size()];
        args[0] = bindValue(node, shape.types[0], path, problems);
        for (int i = 1; i < args.length; i++) {
            if (shape.required[i]) {
                problems.add(key(path, shape.keys.get(i)), "required");
            }
        }
        return construct(shape, args, path, problems, problems.count > 0);
    }

    private static Object construct(RecordShape shape, Object[] args, String path, Problems problems,
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
                problems.add(path, cause instanceof IllegalArgumentException && cause.getMessage() != null
                        ? cause.getMessage() : "invalid (" + cause + ")");
            }
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            problems.add(path, "cannot build " + shape.type.getName() + ": " + e);
            return null;
        }
    }

    private List<Object> bindList(Object node, Type elementType, String path, Problems problems) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof List<?> list)) {
            problems.add(path, "expected a list, got " + ScalarConverter.describe(node));
            return null;
        }
        List<Object> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(bindElement(list.get(i), elementType, path + "[" + i + "]", problems));
        }
        return Collections.unmodifiableList(out);
    }

    private Map<String, Object> bindMap(Object node, Type valueType, String path, Problems problems) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof Map<?, ?> map)) {
            problems.add(path, "expected a map, got " + ScalarConverter.describe(node));
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object key = entry.getKey();
            if (key instanceof Map<?, ?> || key instanceof List<?> || key == null) {
                problems.add(path, "a key must be a name, got " + ScalarConverter.describe(key));
                continue;
            }
            String name = key.toString();
            out.put(name, bindElement(entry.getValue(), valueType, key(path, name), problems));
        }
        return Collections.unmodifiableMap(out);
    }

    private Object bindElement(Object node, Type type, String path, Problems problems) {
        if (node == null && type != Object.class) {
            problems.add(path, "must not be empty");
            return null;
        }
        return bindValue(node, type, path, problems);
    }

    private static Object unsupported(Type type, String path, Problems problems) {
        problems.add(path, "cannot bind config type " + type.getTypeName()
                + " (records, List, Map<String, X>, enums and scalars only)");
        return null;
    }

    private static String key(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
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

    /** Counts what passes through, to tell whether a part of a record failed. */
    private static final class Counting implements Problems {
        private final Problems target;
        private int count;

        Counting(Problems target) {
            this.target = target;
        }

        @Override
        public void add(String path, String message) {
            count++;
            target.add(path, message);
        }
    }
}
