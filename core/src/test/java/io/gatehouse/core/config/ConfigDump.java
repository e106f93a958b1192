package io.gatehouse.core.config;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;

/**
 * A deterministic dump of a bound config for golden files: one {@code path = value} line per leaf, records in
 * component order (as snake_case keys), maps in YAML order, strings quoted.
 */
final class ConfigDump {
    private ConfigDump() {
    }

    static String of(Object value) {
        StringBuilder out = new StringBuilder();
        dump("", value, out);
        return out.toString();
    }

    private static void dump(String path, Object value, StringBuilder out) {
        if (value instanceof Record record && !(value instanceof ByteSize)) {
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                dump(ConfigPath.key(path, io.gatehouse.api.config.ConfigBinder.configKey(component.getName())), read(component, record), out);
            }
        } else if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            map.forEach((key, item) -> dump(ConfigPath.key(path, String.valueOf(key)), item, out));
        } else if (value instanceof List<?> list && !list.isEmpty()) {
            for (int i = 0; i < list.size(); i++) {
                dump(ConfigPath.index(path, i), list.get(i), out);
            }
        } else {
            out.append(path).append(" = ").append(leaf(value)).append('\n');
        }
    }

    private static String leaf(Object value) {
        if (value instanceof String s) {
            return '"' + s + '"';
        }
        if (value instanceof ByteSize size) {
            return size.bytes() + " bytes";
        }
        if (value instanceof Map<?, ?>) {
            return "{}";
        }
        if (value instanceof List<?>) {
            return "[]";
        }
        return String.valueOf(value);
    }

    private static Object read(RecordComponent component, Record record) {
        try {
            component.getAccessor().setAccessible(true);
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
