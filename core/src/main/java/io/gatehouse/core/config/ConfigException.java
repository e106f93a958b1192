package io.gatehouse.core.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A config that cannot be used. Carries every problem found, not just the first; the message lists them, one per
 * line, after a line naming the source.
 */
public final class ConfigException extends Exception {
    private final List<Problem> problems;

    /**
     * @param source   the file (or other source) the config came from
     * @param problems the problems, at least one
     */
    public ConfigException(String source, List<Problem> problems) {
        super(message(source, problems));
        this.problems = List.copyOf(problems);
    }

    /** @return every problem, in the order found (document order, then semantic checks) */
    public List<Problem> problems() {
        return problems;
    }

    private static String message(String source, List<Problem> problems) {
        String header = source + ": " + problems.size() + (problems.size() == 1 ? " config problem" : " config problems");
        return problems.stream().map(Problem::toString).collect(Collectors.joining("\n", header + "\n", ""));
    }
}
