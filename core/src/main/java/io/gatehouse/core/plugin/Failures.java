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
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t
                && (t instanceof InvocationTargetException || t instanceof ExceptionInInitializerError
                || t.getClass().getName().startsWith("org.pf4j."))) {
            t = t.getCause();
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        if (t instanceof LinkageError || t instanceof ClassNotFoundException || t instanceof NullPointerException) {
            return t.getClass().getSimpleName() + ": " + message;
        }
        return message;
    }
}
