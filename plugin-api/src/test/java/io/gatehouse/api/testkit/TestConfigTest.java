package io.gatehouse.api.testkit;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TestConfigTest {

    record Config(String greeting, Boolean enabled) {
        Config {
            greeting = greeting == null ? "Hello" : greeting;
            enabled = enabled == null ? Boolean.TRUE : enabled;
        }
    }

    static final class Factory implements FilterFactory<Config> {
        @Override
        public String id() {
            return "filter.hello";
        }

        @Override
        public Class<Config> configType() {
            return Config.class;
        }

        @Override
        public void validate(Config config, Problems problems) {
            if (config.greeting().isBlank()) {
                problems.add("greeting", "must not be blank");
            }
        }

        @Override
        public Filter create(Config config, PluginContext context) {
            return (exchange, chain) -> chain.proceed(exchange);
        }
    }

    @Test
    void defaultsComeFromTheCompactConstructor() {
        assertEquals(new Config("Hello", true), TestConfig.bind(Config.class, null).orThrow());
        assertEquals(new Config("Hi", false), TestConfig.bind(Config.class, Map.of("greeting", "Hi", "enabled", "false"))
                .orThrow());
    }

    @Test
    void problemsReadAsTheGatewayWritesThem() {
        TestConfig.Bound<Config> bound = TestConfig.bind(Config.class, Map.of("greting", "Hi"));

        assertNull(bound.value());
        assertEquals(List.of("greting: unknown key (known keys: greeting, enabled)"), bound.problems());
        AssertionError e = assertThrows(AssertionError.class, bound::orThrow);
        assertEquals("the config did not bind: greting: unknown key (known keys: greeting, enabled)", e.getMessage());
    }

    @Test
    void yamlIsReadAsTheGatewayReadsIt() {
        assertEquals(new Config("Hi", false), TestConfig.bindYaml(Config.class, "{greeting: Hi, enabled: false}")
                .orThrow());
        assertEquals(new Config("no", true), TestConfig.bindYaml(Config.class, "greeting: no").orThrow(),
                "YAML 1.2 core schema: no is a string");
        assertEquals(new Config("Hi", true), TestConfig.bindYaml(Config.class, "Hi").orThrow(), "shortcut");
        assertEquals(new Config("Hello", true), TestConfig.bindYaml(Config.class, "").orThrow(), "no options");
        assertEquals(List.of("enabled: expected true or false, got 'no'"),
                TestConfig.bindYaml(Config.class, "enabled: no").problems());
        assertThrows(IllegalArgumentException.class,
                () -> TestConfig.bindYaml(Config.class, "{greeting: a, greeting: b}"));
    }

    @Test
    void checkBindsThenValidates() {
        assertEquals(List.of("enabled: expected true or false, got 'yes'"),
                TestConfig.check(new Factory(), Map.of("enabled", "yes")).problems());
        assertEquals(List.of("greeting: must not be blank"),
                TestConfig.check(new Factory(), Map.of("greeting", " ")).problems());
        assertEquals(new Config("Hi", true), TestConfig.check(new Factory(), Map.of("greeting", "Hi")).orThrow());
    }
}
