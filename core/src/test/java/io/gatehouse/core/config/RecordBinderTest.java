package io.gatehouse.core.config;

import io.gatehouse.api.Required;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RecordBinderTest {

    record Scalars(String text, boolean flag, Integer count, long big, double ratio, Duration delay, ByteSize size,
                   Mode mode) {
    }

    enum Mode { ROUND_ROBIN, LEAST_CONN }

    /** A plugin-like config: nested records in a list, a map, an enum, a compact-constructor check. */
    record RateLimit(@Required Integer requests, Duration per, List<Key> keys, Map<String, Integer> costs,
                     Mode mode, Object extra) {
        RateLimit {
            if (requests != null && requests <= 0) {
                throw new IllegalArgumentException("requests must be > 0, got " + requests);
            }
            per = per == null ? Duration.ofSeconds(1) : per;
        }
    }

    record Key(@Required String header, boolean optional) {
    }

    /** A shortcut-able config: {@code strip_prefix: 2}. */
    record StripPrefix(int parts, String note) {
    }

    /** A component with no options. */
    record NoOptions() {
    }

    /** The example of docs/plugins.md, "How config binds". */
    record Documented(Boolean enabled, Integer times, String greeting, List<String> paths) {
        Documented {
            enabled = enabled == null ? Boolean.TRUE : enabled;
            times = times == null ? 1 : times;
            if (times < 1) {
                throw new IllegalArgumentException("times must be >= 1, got " + times);
            }
            greeting = greeting == null ? "Hello" : greeting;
            paths = paths == null ? List.of() : paths;
        }
    }

    record WithOptional(java.util.Optional<String> name) {
    }

    record Case(String desc, Object node, Class<?> type, Object expected, List<String> problems) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                ok("string", map("text", "a"), Scalars.class, scalars("a", false, null, 0, 0, null, null, null)),
                ok("int and bool as string text", map("text", 5), Scalars.class,
                        scalars("5", false, null, 0, 0, null, null, null)),
                bad("float refused as string", map("text", 1.5), Scalars.class,
                        "x.text: expected a string, got 1.5; quote it to keep it as written"),
                bad("map refused as string", map("text", map("a", 1)), Scalars.class,
                        "x.text: expected a string, got a map"),
                ok("boolean from env text", map("flag", "true"), Scalars.class,
                        scalars(null, true, null, 0, 0, null, null, null)),
                bad("yes is not a boolean", map("flag", "yes"), Scalars.class, "x.flag: expected true or false, got 'yes'"),
                ok("int from env text", map("count", "8080"), Scalars.class,
                        scalars(null, false, 8080, 0, 0, null, null, null)),
                bad("int out of range", map("count", 3_000_000_000L), Scalars.class,
                        "x.count: must be between -2147483648 and 2147483647, got 3000000000"),
                bad("int not a float", map("count", 1.5), Scalars.class, "x.count: expected an integer, got 1.5"),
                ok("long and double", map("big", 3_000_000_000L, "ratio", "0.25"), Scalars.class,
                        scalars(null, false, null, 3_000_000_000L, 0.25, null, null, null)),
                ok("duration compound", map("delay", "1m30s"), Scalars.class,
                        scalars(null, false, null, 0, 0, Duration.ofSeconds(90), null, null)),
                ok("duration millis and zero", map("delay", "1.5ms"), Scalars.class,
                        scalars(null, false, null, 0, 0, Duration.ofNanos(1_500_000), null, null)),
                bad("duration negative", map("delay", "-5s"), Scalars.class, "x.delay: must not be negative, got '-5s'"),
                bad("duration without unit", map("delay", 30), Scalars.class,
                        "x.delay: a duration needs a unit (ms, s, m, h, d): write e.g. 30ms or 30s"),
                ok("size with unit", map("size", "8KiB"), Scalars.class,
                        scalars(null, false, null, 0, 0, null, new ByteSize(8192), null)),
                ok("size k and MB", map("size", "2m"), Scalars.class,
                        scalars(null, false, null, 0, 0, null, ByteSize.ofMib(2), null)),
                bad("size negative", map("size", -1), Scalars.class, "x.size: size must be >= 0, got -1"),
                bad("size garbage", map("size", "lots"), Scalars.class,
                        "x.size: expected a size like 512, 8KiB, 10MB or 1GiB, got 'lots'"),
                ok("enum case-insensitive", map("mode", "Least_Conn"), Scalars.class,
                        scalars(null, false, null, 0, 0, null, null, Mode.LEAST_CONN)),
                bad("enum unknown", map("mode", "random"), Scalars.class,
                        "x.mode: expected one of round_robin, least_conn, got 'random'"),
                bad("unknown key", map("txt", "a"), Scalars.class,
                        "x.txt: unknown key (known keys: text, flag, count, big, ratio, delay, size, mode)"),
                ok("plugin record", map("requests", 10, "keys", List.of(map("header", "X-Key"), "X-Other"),
                                "costs", map("GET", 1, "POST", 5), "mode", "round_robin", "extra", map("any", List.of(1))),
                        RateLimit.class, new RateLimit(10, Duration.ofSeconds(1),
                                List.of(new Key("X-Key", false), new Key("X-Other", false)),
                                map("GET", 1, "POST", 5), Mode.ROUND_ROBIN, map("any", List.of(1)))),
                bad("plugin record, every problem", map("per", "x", "keys", List.of(map("optional", true), "ok"),
                                "costs", map("GET", "free")), RateLimit.class,
                        "x.per: expected a duration like 500ms, 5s, 1m, 2h or 1h30m, got 'x'",
                        "x.keys[0].header: required",
                        "x.costs.GET: expected an integer, got 'free'",
                        "x.requests: required"),
                bad("compact constructor check", map("requests", 0), RateLimit.class, "x: requests must be > 0, got 0"),
                ok("scalar shortcut", 2, StripPrefix.class, new StripPrefix(2, null)),
                bad("scalar shortcut, wrong type", "two", StripPrefix.class, "x: expected an integer, got 'two'"),
                bad("list given for a record", List.of(1), StripPrefix.class, "x: expected a map, got a list"),
                bad("list expected", map("keys", "X-Key"), RateLimit.class,
                        "x.keys: expected a list, got 'X-Key'", "x.requests: required"),
                bad("a key given to a component with no options", map("limit", 1), NoOptions.class,
                        "x.limit: unknown key (this takes no options)"),
                bad("a shortcut given to a component with no options", 5, NoOptions.class,
                        "x: takes no options, got 5"),
                ok("no options, none given", null, NoOptions.class, new NoOptions()),
                ok("documented: defaults from the compact constructor", null, Documented.class,
                        new Documented(true, 1, "Hello", List.of())),
                bad("documented: compact constructor check", map("times", 0), Documented.class,
                        "x: times must be >= 1, got 0"),
                bad("documented: yes is not a boolean", map("enabled", "yes"), Documented.class,
                        "x.enabled: expected true or false, got 'yes'"),
                ok("documented: a missing primitive boolean is false", map("text", "a"), Scalars.class,
                        scalars("a", false, null, 0, 0, null, null, null)),
                bad("documented: Optional is not a config type", map("name", "a"), WithOptional.class,
                        "x.name: cannot bind config type java.util.Optional<java.lang.String>"
                                + " (records, List, Map<String, X>, enums and scalars only)"),
                ok("null node is all defaults", null, StripPrefix.class, new StripPrefix(0, null)),
                ok("component spec", map("type", "static", "endpoints", List.of("a")), ComponentSpec.class,
                        new ComponentSpec("static", map("endpoints", List.of("a")), "x")),
                ok("component spec shortcut", "least_conn", ComponentSpec.class,
                        new ComponentSpec("least_conn", Map.of(), "x")),
                bad("component spec without type", map("endpoints", List.of()), ComponentSpec.class, "x.type: required"),
                ok("filter name", "access_log", FilterSpec.class, new FilterSpec("access_log", null, "x")),
                ok("filter with config", map("strip_prefix", 2), FilterSpec.class, new FilterSpec("strip_prefix", 2, "x")),
                bad("filter with two keys", map("a", 1, "b", 2), FilterSpec.class,
                        "x: a filter is a name or a one-key map {name: config}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void binds(Case c) {
        List<Problem> problems = new ArrayList<>();
        Object value = new RecordBinder().bind(c.node(), c.type(), "x", problems);
        assertEquals(c.problems(), problems.stream().map(Problem::toString).toList(), c.desc());
        if (c.problems().isEmpty()) {
            assertEquals(c.expected(), value, c.desc());
        } else {
            assertNull(value, "a value with problems is null");
        }
    }

    @Test
    void mapsKeepYamlOrder() {
        Map<String, Object> costs = map("z", 1, "a", 2, "m", 3);
        RateLimit bound = new RecordBinder().bind(map("requests", 1, "costs", costs), RateLimit.class, "",
                new ArrayList<>());
        assertEquals(List.of("z", "a", "m"), List.copyOf(bound.costs().keySet()));
    }

    @Test
    void pathsAtTheRootHaveNoLeadingDot() {
        List<Problem> problems = new ArrayList<>();
        new RecordBinder().bind(map("nope", 1), StripPrefix.class, "", problems);
        assertEquals("nope: unknown key (known keys: parts, note)", problems.getFirst().toString());
    }

    @Test
    void snakeCase() {
        assertEquals("max_body_size", io.gatehouse.api.config.ConfigBinder.configKey("maxBodySize"));
        assertEquals("jwks_url", io.gatehouse.api.config.ConfigBinder.configKey("jwksURL"));
        assertEquals("url_path", io.gatehouse.api.config.ConfigBinder.configKey("URLPath"));
        assertEquals("http2", io.gatehouse.api.config.ConfigBinder.configKey("http2"));
    }

    private static Case ok(String desc, Object node, Class<?> type, Object expected) {
        return new Case(desc, node, type, expected, List.of());
    }

    private static Case bad(String desc, Object node, Class<?> type, String... problems) {
        return new Case(desc, node, type, null, List.of(problems));
    }

    private static Scalars scalars(String text, boolean flag, Integer count, long big, double ratio, Duration delay,
                                   ByteSize size, Mode mode) {
        return new Scalars(text, flag, count, big, ratio, delay, size, mode);
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> map(Object... keysAndValues) {
        Map<String, V> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], (V) keysAndValues[i + 1]);
        }
        return map;
    }
}
