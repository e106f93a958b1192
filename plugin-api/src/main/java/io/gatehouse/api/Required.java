package io.gatehouse.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a config record component that must be present. The binder reports {@code <path>: required} when it is
 * missing. Components without it are optional: a missing one is bound to {@code null} (or 0 / {@code false} for
 * primitives) and the record's compact constructor applies its default.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface Required {
}
