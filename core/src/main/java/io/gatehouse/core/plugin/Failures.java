package io.gatehouse.core.plugin;

import java.lang.reflect.InvocationTargetException;

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
