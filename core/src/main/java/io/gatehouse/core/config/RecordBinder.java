package io.gatehouse.core.config;

import io.gatehouse.api.Problems;
import io.gatehouse.api.config.ConfigBinder;

import java.lang.reflect.Type;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plugin API's {@link ConfigBinder} (whose rules every plugin's config record is bound by, and which the
 * testkit uses) with the core model's own types: {@link ByteSize} (a scalar: {@code 512}, {@code 8KiB}),
 * {@link ComponentSpec}, {@link FilterSpec}, and an unresolved {@code ${VAR}} bound as absent. Problems are
 * {@link Problem}s. Instances are stateless and thread-safe.
 */
public final class RecordBinder extends ConfigBinder {

    private static final String SIZE_EXAMPLE = "a size like 512, 8KiB, 10MB or 1GiB";

    /**
     * Binds {@code node} to {@code type}; see {@link ConfigBinder#bind(Object, Class, String, Problems)}.
     *
     * @return the bound value, or {@code null} if any problem was added by this call
     */
    public <T> T bind(Object node, Class<T> type, String path, List<Problem> problems) {
        return bind(node, type, path, collect(problems));
    }

    /**
     * Like {@link #bind} but returns what could be built even after problems, with failed parts {@code null}, so
     * that later checks can still find their own problems. Such a value must never be served.
     */
    Object bindPartial(Object node, Type type, String path, List<Problem> problems) {
        return bindPartial(node, type, path, collect(problems));
    }

    /** @return whether the core binds {@code type} from a scalar: the plugin API's scalars and {@link ByteSize} */
    static boolean isScalarType(Class<?> type) {
        return isScalar(type) || type == ByteSize.class;
    }

    @Override
    protected boolean isAbsent(Object node) {
        return node == null || node == EnvSubstitution.UNRESOLVED;
    }

    @Override
    protected boolean isOwnScalar(Class<?> type) {
        return type == ByteSize.class;
    }

    @Override
    protected Object bindType(Object node, Class<?> type, String path, Problems problems) {
        if (type == ByteSize.class) {
            return bindSize(node, path, problems);
        }
        if (type == ComponentSpec.class) {
            return bindComponent(node, path, problems);
        }
        if (type == FilterSpec.class) {
            return bindFilter(node, path, problems);
        }
        return NOT_MINE;
    }

    private static Problems collect(List<Problem> problems) {
        return (path, message) -> problems.add(new Problem(path, message));
    }

    private static ByteSize bindSize(Object node, String path, Problems problems) {
        try {
            if (node instanceof Integer || node instanceof Long) {
                return new ByteSize(((Number) node).longValue());
            }
            if (node instanceof String s) {
                return ByteSize.parse(s);
            }
            throw new IllegalArgumentException("expected " + SIZE_EXAMPLE + ", got " + describe(node));
        } catch (IllegalArgumentException e) {
            problems.add(path, e.getMessage());
            return null;
        }
    }

    private ComponentSpec bindComponent(Object node, String path, Problems problems) {
        if (node instanceof String type) {
            return new ComponentSpec(type, Map.of(), path);
        }
        if (!(node instanceof Map<?, ?> map)) {
            problems.add(path, "expected a map with a 'type' key, got " + describe(node));
            return null;
        }
        Object type = map.get("type");
        if (type == null) {
            problems.add(ConfigPath.key(path, "type"), "required");
            return null;
        }
        String name = bind(type, String.class, ConfigPath.key(path, "type"), problems);
        Map<String, Object> options = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            if (!"type".equals(key)) {
                options.put(String.valueOf(key), value);
            }
        });
        return name == null ? null : new ComponentSpec(name, Collections.unmodifiableMap(options), path);
    }

    private static FilterSpec bindFilter(Object node, String path, Problems problems) {
        if (node instanceof String name && !name.isBlank()) {
            return new FilterSpec(name, null, path);
        }
        if (node instanceof Map<?, ?> map && map.size() == 1
                && map.keySet().iterator().next() instanceof String name && !name.isBlank()) {
            return new FilterSpec(name, map.get(name), path);
        }
        problems.add(path, "a filter is a name or a one-key map {name: config}");
        return null;
    }
}
