package io.gatehouse.core.config;

import io.gatehouse.api.Required;
import io.gatehouse.api.testkit.TestConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The testkit's {@link TestConfig} binds a plugin's options as the core does when it binds a route's filter
 * options ({@link RecordBinder}, at the filter's path): the same value, the same problems at the same relative paths.
 */
class TestConfigParityTest {

    static final String AT = "routes[0].filters[1].hello";

    enum Mode { FAST, SAFE }

    record Header(@Required String name, boolean optional) {
    }

    record Hello(String greeting, Boolean enabled, boolean strict, Integer times, Duration timeout, Mode mode,
                 List<Header> headers, Map<String, Integer> weights) {
        Hello {
            enabled = enabled == null ? Boolean.TRUE : enabled;
            times = times == null ? 1 : times;
            if (times < 1) {
                throw new IllegalArgumentException("times must be >= 1, got " + times);
            }
        }
    }

    record NoOptions() {
    }

    record WithOptional(java.util.Optional<String> name) {
    }

    record Case(String desc, Class<? extends Record> type, Object options) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("no options: every default", Hello.class, null),
                new Case("all kinds", Hello.class, map("greeting", "Hi", "enabled", false, "strict", "true",
                        "times", "3", "timeout", "1m30s", "mode", "Safe",
                        "headers", List.of(map("name", "X-A"), "X-B"), "weights", map("a", 1, "b", 2))),
                new Case("shortcut", Hello.class, "Hi"),
                new Case("unknown key", Hello.class, map("greting", "Hi")),
                new Case("type errors, every one", Hello.class, map("enabled", "yes", "times", 1.5,
                        "timeout", 30, "mode", "slow", "weights", map("a", "heavy"))),
                new Case("nested required and list paths", Hello.class, map("headers", List.of(map("optional", true)))),
                new Case("compact constructor", Hello.class, map("times", 0)),
                new Case("a list given for a record", Hello.class, List.of(1)),
                new Case("no options, none given", NoOptions.class, null),
                new Case("no options, a key given", NoOptions.class, map("level", 1)),
                new Case("no options, a shortcut given", NoOptions.class, 5),
                new Case("Optional is refused", WithOptional.class, map("name", "a")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theTestkitBindsAsTheCore(Case c) {
        List<Problem> problems = new ArrayList<>();
        Object core = new RecordBinder().bind(c.options(), c.type(), AT, problems);
        List<String> coreProblems = problems.stream()
                .map(p -> p.path().equals(AT) ? p.message() : p.toString().substring(AT.length() + 1))
                .toList();

        TestConfig.Bound<?> testkit = TestConfig.bind(c.type(), c.options());

        assertEquals(coreProblems, testkit.problems(), c.desc());
        assertEquals(core, testkit.value(), c.desc());
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
