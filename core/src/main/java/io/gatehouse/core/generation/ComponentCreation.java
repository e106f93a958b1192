package io.gatehouse.core.generation;

import io.gatehouse.api.ComponentFactory;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.plugin.Failures;

import java.util.List;

/**
 * Calls a factory's {@code create} and turns whatever goes wrong into a problem at the component's path: an
 * exception, and an {@link Error} too, since a plugin built against another API fails with a
 * {@link NoClassDefFoundError} or {@link AbstractMethodError} that must refuse this generation only, not end hot
 * reload. Only the JVM's own distress ({@link VirtualMachineError} other than a stack overflow) passes through.
 */
final class ComponentCreation {

    private ComponentCreation() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static AutoCloseable create(ConfigPlan.Bound bound, BuildContext context) throws ConfigException {
        String id = bound.factory().id();
        try {
            AutoCloseable component = (AutoCloseable) ((ComponentFactory) bound.factory())
                    .create((Record) bound.config(), context);
            if (component == null) {
                throw new IllegalStateException(id + " created null");
            }
            return component;
        } catch (Exception | Error e) {
            rethrowIfFatal(e);
            Class<?> factory = bound.factory().getClass();
            // A plugin's author gets the exception's class and their own line; a built-in's message is enough.
            boolean plugin = factory.getClassLoader() != ComponentCreation.class.getClassLoader();
            String why = plugin ? Failures.unbundled(e, factory).orElseGet(() -> Failures.describeFrom(e, factory))
                    : Failures.describe(e);
            throw new ConfigException(context.location(), List.of(new Problem(bound.path(), id
                    + " could not be created: " + why)));
        }
    }

    /** Lets the JVM's own distress through; anything else a build may survive. */
    static void rethrowIfFatal(Throwable e) {
        if (e instanceof VirtualMachineError fatal && !(e instanceof StackOverflowError)) {
            throw fatal;
        }
    }
}
