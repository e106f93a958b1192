package io.gatehouse.core.route;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The path templates the last route table was built with, kept so that the next build (a reload) parses only the
 * templates it has not seen: a {@link PathTemplate} is immutable, so one serves every generation that uses it. A
 * reload of 10 000 routes that changes one parsed each template twice (checking it, then building the table) before.
 *
 * <p>Each build works in its own {@link Session}, which reads what the last kept session parsed and is kept in turn
 * once its table is built; sessions may run at once (a check beside a reload), the last one kept wins.
 */
public final class PathTemplates {
    private volatile Map<String, PathTemplate> kept = Map.of();

    /** @return a session for one build */
    public Session session() {
        return new Session(kept);
    }

    /** The templates of one build; not thread-safe. */
    public final class Session {
        private final Map<String, PathTemplate> previous;
        private final Map<String, PathTemplate> used = new HashMap<>();

        private Session(Map<String, PathTemplate> previous) {
            this.previous = previous;
        }

        /** @return what {@link PathTemplate#problem} says of {@code template}, parsing it only when not known */
        public Optional<String> problem(String template) {
            if (template != null && (used.containsKey(template) || reuse(template) != null)) {
                return Optional.empty();
            }
            return PathTemplate.problem(template);
        }

        /** @return {@code template} parsed, as {@link PathTemplate#parse} does, or as a kept session did */
        public PathTemplate parse(String template) {
            PathTemplate parsed = used.get(template);
            if (parsed == null) {
                parsed = reuse(template);
            }
            if (parsed == null) {
                parsed = PathTemplate.parse(template);
                used.put(template, parsed);
            }
            return parsed;
        }

        /** Keeps this session's templates for the next; call when its table is built and use it no more. */
        public void keep() {
            kept = used;
        }

        private PathTemplate reuse(String template) {
            PathTemplate parsed = previous.get(template);
            if (parsed != null) {
                used.put(template, parsed);
            }
            return parsed;
        }
    }
}
