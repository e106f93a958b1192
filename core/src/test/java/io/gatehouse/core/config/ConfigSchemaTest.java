package io.gatehouse.core.config;

import io.gatehouse.api.ComponentFactory;
import io.gatehouse.api.Doc;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.Filter;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Required;
import io.gatehouse.core.builtin.Builtins;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ConfigSchema}: keys as the binder spells them, types, defaults from an empty config, docs. */
class ConfigSchemaTest {

    record Case(String desc, Object value, String shown) {
    }

    static Stream<Case> values() {
        return Stream.of(
                new Case("none", null, "none"),
                new Case("empty string", "", "\"\""),
                new Case("millis", Duration.ofMillis(50), "50ms"),
                new Case("seconds", Duration.ofSeconds(90), "90s"),
                new Case("minutes", Duration.ofMinutes(5), "5m"),
                new Case("hours", Duration.ofHours(2), "2h"),
                new Case("days", Duration.ofDays(1), "1d"),
                new Case("zero", Duration.ZERO, "0s"),
                new Case("size", ByteSize.ofMib(8), "8MiB"),
                new Case("odd size", new ByteSize(1000), "1000"),
                new Case("list", List.of("exp", "nbf"), "[exp, nbf]"),
                new Case("map", Map.of("a", 1), "{a: 1}"),
                new Case("enum", Shape.ROUND_ROBIN, "round_robin"));
    }

    enum Shape { ROUND_ROBIN }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void formatsValuesAsConfigWritesThem(Case c) {
        assertEquals(c.shown(), ConfigSchema.format(c.value()), c.desc());
    }

    /** The binder refuses an empty one, and one with a stand-in url: no defaults to show, only what is required. */
    record Strict(@Required String url, @Doc("  a weight,\n  relative ") Integer weight) {
        Strict {
            if (url != null && !url.startsWith("http")) {
                throw new IllegalArgumentException("not a URL");
            }
        }
    }

    static final class StrictFactory implements FilterFactory<Strict> {
        @Override
        public String id() {
            return "filter.strict";
        }

        @Override
        public Class<Strict> configType() {
            return Strict.class;
        }

        @Override
        public Filter create(Strict config, PluginContext context) {
            return (exchange, chain) -> chain.proceed(exchange);
        }
    }

    @Test
    void aRecordThatDoesNotBindEmptyShowsRequiredAndNoDefaults() {
        ConfigSchema.Schema schema = ConfigSchema.of(new StrictFactory());
        assertEquals(List.of(new ConfigSchema.Key("url", "string", "required", ""),
                new ConfigSchema.Key("weight", "integer", "-", "a weight, relative")), schema.keys());
        assertEquals(List.of(new Problem("url", "required")), schema.emptyRefused());
        assertEquals("url", schema.shortcut());
        assertEquals(Strict.class.getName(), schema.configType());
    }

    static Stream<ComponentFactory<?, ?>> builtins() {
        return Builtins.factories().stream();
    }

    @ParameterizedTest
    @MethodSource("builtins")
    void everyBuiltinHasASchemaWithDocs(ComponentFactory<?, ?> factory) {
        ConfigSchema.Schema schema = ConfigSchema.of(factory);
        assertEquals(factory.configType().getName(), schema.configType());
        for (ConfigSchema.Key key : schema.keys()) {
            assertFalse(key.type().isEmpty(), key.toString());
            assertFalse(key.defaultValue().equals("-") && !key.key().contains("[]"),
                    "a top-level key of a builtin has a default or is required: " + key);
        }
        if (!factory.id().equals("lb.round_robin") && !factory.id().equals("filter.access_log")) {
            assertTrue(schema.keys().stream().anyMatch(k -> !k.doc().isEmpty()), factory.id() + " has docs");
        }
    }

    /** filter.script needs a file; its other keys' defaults come from a config with a stand-in file. */
    @Test
    void defaultsBesideARequiredKey() {
        ConfigSchema.Schema schema = ConfigSchema.of(Builtins.factories().stream()
                .filter(f -> f.id().equals("filter.script")).findFirst().orElseThrow());
        assertEquals(List.of("file: required", "config: {}", "timeout: 50ms", "fetch_timeout: 5s"),
                schema.keys().stream().map(k -> k.key() + ": " + k.defaultValue()).toList());
    }

    @Test
    void noScalarFirstComponentNoShortcut() {
        ConfigSchema.Schema schema = ConfigSchema.of(Builtins.factories().stream()
                .filter(f -> f.id().equals("discovery.static")).findFirst().orElseThrow());
        assertNull(schema.shortcut());
        assertEquals(List.of("endpoints", "endpoints[].url", "endpoints[].weight", "endpoints[].metadata"),
                schema.keys().stream().map(ConfigSchema.Key::key).toList());
        assertEquals("list of maps", schema.keys().getFirst().type());
        assertEquals("map of strings", schema.keys().get(3).type());
    }
}
