package io.gatehouse.core.config;

import io.gatehouse.api.ComponentFactory;
import io.gatehouse.api.Doc;
import io.gatehouse.api.Required;
import io.gatehouse.api.config.ConfigBinder;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The config schema of a component, derived from its config record the way {@link RecordBinder} reads it: keys in
 * snake_case, their types (nested records and lists of records shown key by key, as {@code redis.host} and
 * {@code policies[].limit}), their defaults and their {@link Doc}s. Defaults are what the record's compact
 * constructor makes of an empty config: the schema binds one, and asks the factory to validate it, so that a key
 * the factory insists on is shown as {@code required} even when the binder does not know it.
 */
public final class ConfigSchema {

    /** Records nested deeper than this are not expanded (a record type that contains itself). */
    private static final int MAX_DEPTH = 6;

    /**
     * One key.
     *
     * @param key          its path below the component, e.g. {@code redis.host} or {@code policies[].limit}
     * @param type         {@code string}, {@code integer}, {@code number}, {@code boolean}, {@code duration},
     *                     {@code size}, {@code one of a, b}, {@code map}, {@code list of X}, {@code map of X},
     *                     {@code any}
     * @param defaultValue its value in an empty config as config would write it ({@code 5s}, {@code [exp]}),
     *                     {@code none} when it stays unset, {@code required} when an empty config is refused for
     *                     want of it, empty for a map whose keys are listed after it
     * @param doc          its {@link Doc}, or empty
     */
    public record Key(String key, String type, String defaultValue, String doc) {
    }

    /**
     * @param configType the record's class name
     * @param shortcut   the key a scalar binds to ({@code strip_prefix: 2} sets {@code parts}), or {@code null}
     * @param keys       every key, nested ones after their parent
     * @param emptyRefused what is wrong with an empty config ({@code name: {}}), as the binder and the factory's
     *                   {@code validate} say; empty when the component works with its defaults
     */
    public record Schema(String configType, String shortcut, List<Key> keys, List<Problem> emptyRefused) {
    }

    private ConfigSchema() {
    }

    /** @return the schema of the factory's config record */
    public static Schema of(ComponentFactory<?, ?> factory) {
        Class<?> type = factory.configType();
        List<Problem> problems = new ArrayList<>();
        Object empty = new RecordBinder().bind(Map.of(), type, "", problems);
        if (empty != null) {
            validate(factory, empty, problems);
        }
        Set<String> refusedKeys = problems.stream().map(p -> topKey(p.path())).collect(Collectors.toSet());
        List<Key> keys = new ArrayList<>();
        walk(type, "", empty != null ? empty : withRequiredFilled(type), refusedKeys, keys, 0);
        RecordComponent[] components = type.getRecordComponents();
        boolean scalarFirst = components.length > 0 && components[0].getGenericType() instanceof Class<?> first
                && (RecordBinder.isScalarType(first) || first == Object.class);
        return new Schema(type.getName(), scalarFirst ? ConfigBinder.configKey(components[0].getName()) : null,
                List.copyOf(keys), List.copyOf(problems));
    }

    private static void walk(Class<?> record, String prefix, Object instance, Set<String> refused, List<Key> out,
                             int depth) {
        for (RecordComponent component : record.getRecordComponents()) {
            String name = ConfigBinder.configKey(component.getName());
            String key = prefix + name;
            Type type = unwrap(component.getGenericType());
            Object value = instance == null ? null : read(component, instance);
            boolean required = component.isAnnotationPresent(Required.class) || refused.contains(name);
            Class<?> nested = nestedRecord(type);
            String shown;
            if (required) {
                shown = "required";
            } else if (instance == null) {
                shown = "-";
            } else if (type instanceof Class<?> && nested != null && value != null) {
                shown = "";
            } else {
                shown = format(value);
            }
            out.add(new Key(key, typeName(type), shown, doc(component)));
            if (nested == null || depth >= MAX_DEPTH) {
                continue;
            }
            if (type instanceof Class<?>) {
                walk(nested, key + ".", value, Set.of(), out, depth + 1);
            } else {
                // a list or map of records: each element starts from an empty one
                Object element = new RecordBinder().bind(Map.of(), nested, "", new ArrayList<>());
                String inner = isList(type) ? key + "[]." : key + ".<name>.";
                walk(nested, inner, element, Set.of(), out, depth + 1);
            }
        }
    }

    /**
     * For the defaults of a record an empty config does not bind: one bound with a stand-in value for each
     * {@link Required} key (shown as {@code required} anyway); {@code null} if even that does not bind.
     */
    private static Object withRequiredFilled(Class<?> type) {
        Map<String, Object> filled = new LinkedHashMap<>();
        for (RecordComponent component : type.getRecordComponents()) {
            if (component.isAnnotationPresent(Required.class)) {
                filled.put(ConfigBinder.configKey(component.getName()), standIn(component.getGenericType()));
            }
        }
        return filled.isEmpty() ? null : new RecordBinder().bind(filled, type, "", new ArrayList<>());
    }

    private static Object standIn(Type type) {
        type = unwrap(type);
        if (type instanceof ParameterizedType p) {
            return isList(p) ? List.of() : Map.of();
        }
        if (!(type instanceof Class<?> c)) {
            return "x";
        }
        if (c == boolean.class || c == Boolean.class) {
            return false;
        }
        if (c == Duration.class) {
            return "1s";
        }
        if (c.isEnum()) {
            return ConfigBinder.configName((Enum<?>) c.getEnumConstants()[0]);
        }
        if (c.isPrimitive() || Number.class.isAssignableFrom(c) || c == ByteSize.class) {
            return 1;
        }
        if (c == List.class) {
            return List.of();
        }
        return c.isRecord() || c == Map.class ? Map.of() : "x";
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void validate(ComponentFactory factory, Object config, List<Problem> problems) {
        try {
            factory.validate((Record) config, (relative, message) -> problems.add(new Problem(
                    relative == null ? "" : relative, message)));
        } catch (RuntimeException | LinkageError e) {
            problems.add(new Problem("", "validate failed: " + e));
        }
    }

    private static String topKey(String path) {
        int end = 0;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
            end++;
        }
        return path.substring(0, end);
    }

    private static Object read(RecordComponent component, Object instance) {
        try {
            Method accessor = component.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(instance);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static String doc(RecordComponent component) {
        Doc doc = component.getAnnotation(Doc.class);
        if (doc == null) {
            doc = component.getAccessor().getAnnotation(Doc.class);
        }
        return doc == null ? "" : doc.value().strip().replaceAll("\\s+", " ");
    }

    private static Type unwrap(Type type) {
        return type instanceof WildcardType wildcard ? wildcard.getUpperBounds()[0] : type;
    }

    private static boolean isList(Type type) {
        return type instanceof ParameterizedType p
                && (p.getRawType() == List.class || p.getRawType() == java.util.Collection.class);
    }

    /** @return the record type of a record, a list of records or a map of records; {@code null} otherwise */
    private static Class<?> nestedRecord(Type type) {
        if (type instanceof ParameterizedType p) {
            Type[] args = p.getActualTypeArguments();
            type = unwrap(args[args.length - 1]);
        }
        return type instanceof Class<?> c && isPlainRecord(c) ? c : null;
    }

    /** A record the binder binds key by key (not a size, a component or a filter entry). */
    private static boolean isPlainRecord(Class<?> c) {
        return c.isRecord() && !RecordBinder.isScalarType(c) && c != ComponentSpec.class && c != FilterSpec.class;
    }

    /** @return how the schema names a component type */
    static String typeName(Type type) {
        type = unwrap(type);
        if (type instanceof ParameterizedType p) {
            Type[] args = p.getActualTypeArguments();
            String element = typeName(args[args.length - 1]);
            return (isList(p) ? "list of " : "map of ") + plural(element);
        }
        if (!(type instanceof Class<?> c)) {
            return type.getTypeName();
        }
        if (c == String.class) {
            return "string";
        }
        if (c == boolean.class || c == Boolean.class) {
            return "boolean";
        }
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class
                || c == short.class || c == Short.class) {
            return "integer";
        }
        if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
            return "number";
        }
        if (c == Duration.class) {
            return "duration";
        }
        if (c == ByteSize.class) {
            return "size";
        }
        if (c.isEnum()) {
            return "one of " + Arrays.stream(c.getEnumConstants())
                    .map(e -> ConfigBinder.configName((Enum<?>) e)).collect(Collectors.joining(", "));
        }
        if (c.isRecord()) {
            return "map";
        }
        if (c == List.class) {
            return "list";
        }
        if (c == Map.class) {
            return "map";
        }
        if (c == ComponentSpec.class) {
            return "component";
        }
        if (c == FilterSpec.class) {
            return "filter";
        }
        return c == Object.class ? "any" : c.getSimpleName();
    }

    private static String plural(String element) {
        return switch (element) {
            case "string", "integer", "number", "boolean", "duration", "size", "map", "component", "filter" ->
                    element + "s";
            case "any" -> "values";
            default -> element.startsWith("one of ") ? "(" + element + ")" : element;
        };
    }

    /** @return a value as config would write it */
    static String format(Object value) {
        if (value == null) {
            return "none";
        }
        if (value instanceof String s) {
            return s.isEmpty() ? "\"\"" : s;
        }
        if (value instanceof Duration d) {
            return duration(d);
        }
        if (value instanceof ByteSize size) {
            return size(size.bytes());
        }
        if (value instanceof Enum<?> e) {
            return ConfigBinder.configName(e);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ConfigSchema::format).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().map(e -> e.getKey() + ": " + format(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        if (value instanceof Set<?> set) {
            return format(List.copyOf(new LinkedHashSet<>(set)));
        }
        return String.valueOf(value);
    }

    private static String size(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        long[] factors = {1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes > 0 && bytes % factors[i] == 0) {
                return bytes / factors[i] + units[i];
            }
        }
        return Long.toString(bytes);
    }

    private static String duration(Duration d) {
        long millis = d.toMillis();
        if (millis == 0) {
            return "0s";
        }
        if (millis % 86_400_000 == 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
