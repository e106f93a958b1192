package io.gatehouse.core.plugin;

import java.lang.reflect.InvocationTargetException;
import java.util.Optional;

/** Turns a plugin's exception into one line for a human. */
public final class Failures {

    private Failures() {
    }

    /**
     * The message of the most telling exception in the chain, skipping PF4J's and reflection's wrappers.
     *
     * @return e.g. {@code "boom"}, or {@code "NoClassDefFoundError: com/acme/Lib"} when there is no message
     *         or the type says more than the message
     */
    public static String describe(Throwable failure) {
        Throwable t = unwrap(failure);
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        if (t instanceof LinkageError || t instanceof ClassNotFoundException || t instanceof NullPointerException) {
            return t.getClass().getSimpleName() + ": " + message;
        }
        return message;
    }

    /**
     * For a failure in a plugin's code: the exception's class and message, and the top frame of the plugin's own
     * code, so that its author can find the line without the gateway's log.
     *
     * @param failure     what the plugin threw
     * @param pluginClass a class of the plugin, usually its factory: frames in its package (and below) are the
     *                    plugin's own; failing those, the top frame outside the JDK, PF4J and Gatehouse is taken
     * @return e.g. {@code "IllegalStateException: no key (at com.acme.KeyFilterFactory.create(KeyFilterFactory.java:42))"}
     */
    public static String describeFrom(Throwable failure, Class<?> pluginClass) {
        Throwable t = unwrap(failure);
        String message = t.getMessage();
        String text = t.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
        StackTraceElement frame = ownFrame(t, pluginClass);
        return frame == null ? text : text + " (at " + frame.getClassName() + "." + frame.getMethodName() + "("
                + (frame.getFileName() == null ? "unknown source" : frame.getFileName()
                + (frame.getLineNumber() > 0 ? ":" + frame.getLineNumber() : "")) + "))";
    }

    /**
     * The class a failure says could not be found: a {@link NoClassDefFoundError} or {@link ClassNotFoundException}
     * anywhere in its causes (not "Could not initialize class", which is a class that exists but failed).
     *
     * @return the binary name, e.g. {@code com.google.common.collect.ImmutableSet}
     */
    public static Optional<String> missingClass(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if ((t instanceof NoClassDefFoundError || t instanceof ClassNotFoundException) && message != null
                    && !message.isBlank() && !message.startsWith("Could not initialize")
                    && message.indexOf(' ') < 0) {
                return Optional.of(message.replace('/', '.'));
            }
        }
        return Optional.empty();
    }

    /**
     * For a failure in a plugin's code that is a class its loader cannot find: the message that names the plugin
     * and says to bundle the class.
     *
     * @param failure     what the plugin's code threw
     * @param pluginClass a class of the plugin
     * @return e.g. {@code plugin 'tenant' cannot load class com.google.common.collect.ImmutableSet — bundle it
     *         (shaded JAR or lib/ in a zip)}; empty when the failure is something else, or the class is not a
     *         plugin's
     */
    public static Optional<String> unbundled(Throwable failure, Class<?> pluginClass) {
        if (!(pluginClass.getClassLoader() instanceof IsolatedPluginClassLoader loader)) {
            return Optional.empty();
        }
        return missingClass(failure).map(name -> MissingClasses.message(loader.pluginId(), name));
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t
                && (t instanceof InvocationTargetException || t instanceof ExceptionInInitializerError
                || t.getClass().getName().startsWith("org.pf4j."))) {
            t = t.getCause();
        }
        return t;
    }

    private static StackTraceElement ownFrame(Throwable t, Class<?> pluginClass) {
        String own = pluginClass.getPackageName().isEmpty() ? null : pluginClass.getPackageName() + ".";
        StackTraceElement outside = null;
        for (StackTraceElement frame : t.getStackTrace()) {
            String name = frame.getClassName();
            if (own != null && name.startsWith(own)) {
                return frame;
            }
            if (outside == null && !isPlatform(name)) {
                outside = frame;
            }
        }
        return outside;
    }

    private static boolean isPlatform(String className) {
        return className.startsWith("java.") || className.startsWith("javax.") || className.startsWith("jdk.")
                || className.startsWith("sun.") || className.startsWith("com.sun.")
                || className.startsWith("org.pf4j.") || className.startsWith("io.gatehouse.core.")
                || className.startsWith("io.gatehouse.api.");
    }
}
