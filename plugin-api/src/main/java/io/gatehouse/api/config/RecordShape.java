package io.gatehouse.api.config;

import io.gatehouse.api.Required;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;

/**
 * What the binder needs to know about one record type: its config keys, their types, which are required, and the
 * canonical constructor. Computed once per type.
 */
final class RecordShape {
    private static final ClassValue<RecordShape> SHAPES = new ClassValue<>() {
        @Override
        protected RecordShape computeValue(Class<?> type) {
            return new RecordShape(type);
        }
    };

    final Class<?> type;
    final List<String> keys;
    final Type[] types;
    final boolean[] required;
    final Constructor<?> constructor;

    private RecordShape(Class<?> type) {
        this.type = type;
        RecordComponent[] components = type.getRecordComponents();
        this.keys = Arrays.stream(components).map(c -> snakeCase(c.getName())).toList();
        this.types = Arrays.stream(components).map(RecordComponent::getGenericType).toArray(Type[]::new);
        this.required = new boolean[components.length];
        for (int i = 0; i < components.length; i++) {
            required[i] = components[i].isAnnotationPresent(Required.class);
        }
        Constructor<?> canonical;
        try {
            canonical = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            // Plugins often declare their config as a private nested record.
            canonical.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            canonical = null;
        }
        this.constructor = canonical;
    }

    static RecordShape of(Class<?> type) {
        return SHAPES.get(type);
    }

    /** @return {@code fooBar} → {@code foo_bar}, {@code jwksURL} → {@code jwks_url}, {@code URLPath} → {@code url_path} */
    static String snakeCase(String name) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                char before = name.charAt(i - 1);
                boolean wordStart = Character.isLowerCase(before) || Character.isDigit(before)
                        || (i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1)));
                if (wordStart && before != '_') {
                    out.append('_');
                }
            }
            out.append(Character.toLowerCase(c));
        }
        return out.toString();
    }

    int indexOf(String key) {
        return keys.indexOf(key);
    }
}
