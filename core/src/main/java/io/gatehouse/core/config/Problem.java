package io.gatehouse.core.config;

/**
 * One config problem: where it is and what is wrong.
 *
 * @param path    the config path, e.g. {@code routes[2].match.path}; empty for the document as a whole, or
 *                {@code file:line:column} for a YAML syntax error
 * @param message what is wrong and, where it helps, what to write instead
 */
public record Problem(String path, String message) {
    public Problem {
        path = path == null ? "" : path;
        message = message == null ? "invalid" : message;
    }

    /** @return {@code path: message}, or just the message when the path is empty */
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
