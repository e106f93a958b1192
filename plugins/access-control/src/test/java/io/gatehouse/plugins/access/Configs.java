package io.gatehouse.plugins.access;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.testkit.TestPluginContext;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Validates configs and creates filters from them the way the core does, for unit tests. */
final class Configs {

    private Configs() {
    }

    /** A row of a table test of invalid configs: the config and the paths of the problems it must report. */
    record Invalid<C extends Record>(String desc, C config, List<String> paths) {
        @Override
        public String toString() {
            return desc;
        }

        /** Asserts that validating the config reports exactly these paths, in order. */
        void check(FilterFactory<C> factory) {
            assertEquals(paths, problemPaths(factory, config), problems(factory, config).toString());
        }
    }

    /** @return what {@code validate} reports, as {@code "path: message"} lines, in order */
    static <C extends Record> List<String> problems(FilterFactory<C> factory, C config) {
        List<String> lines = new ArrayList<>();
        factory.validate(config, (path, message) -> lines.add(path + ": " + message));
        return lines;
    }

    /** @return the paths of what {@code validate} reports, in order */
    static <C extends Record> List<String> problemPaths(FilterFactory<C> factory, C config) {
        return problems(factory, config).stream().map(line -> line.substring(0, line.indexOf(": "))).toList();
    }

    /** @return the filter made from a config that must be valid */
    static <C extends Record> Filter create(FilterFactory<C> factory, C config) {
        assertEquals(List.of(), problems(factory, config), config.toString());
        try {
            return factory.create(config, TestPluginContext.of(factory.id(), config));
        } catch (Exception e) {
            throw new AssertionError("a valid config must create its filter", e);
        }
    }
}
