package io.gatehouse.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents a config record component for people reading the schema: {@code gatehouse plugins describe ID} shows
 * it next to the key, its type and its default. Optional and purely descriptive: the binder ignores it, and a
 * component without it is shown without a description.
 *
 * <pre>{@code
 * public record MyConfig(@Doc("the header to set; default X-Trace") String header) { ... }
 * }</pre>
 *
 * <p>A compatible addition: an older gateway, whose API lacks this type, reads the record without it (the JVM skips
 * annotations whose type it cannot load), so using it does not raise a plugin's {@code Plugin-Requires}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD, ElementType.TYPE})
public @interface Doc {

    /**
     * @return one or two sentences: what the key does and what it defaults to when that is not obvious from the
     *         value {@code describe} derives; no markup
     */
    String value();
}
