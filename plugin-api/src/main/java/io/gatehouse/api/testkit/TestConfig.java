package io.gatehouse.api.testkit;

import io.gatehouse.api.ComponentFactory;
import io.gatehouse.api.config.ConfigBinder;
import io.gatehouse.api.config.CoreSchemaResolver;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Binds a component's options to its config record with the gateway's own binder ({@link ConfigBinder}), so a
 * test sees the defaults, the unknown-key and type errors, and their messages and paths exactly as a user would.
 *
 * <pre>{@code
 * TestConfig.Bound<Config> bound = TestConfig.bind(Config.class, Map.of("times", 0));
 * assertEquals(List.of("times must be >= 1, got 0"), bound.problems());
 * Config config = TestConfig.bindYaml(Config.class, "{greeting: Hi, times: 2}").orThrow();
 * List<String> all = TestConfig.check(factory, Map.of("greeting", " ")).problems();   // binding, then validate
 * }</pre>
 *
 * Options are given as the YAML parser would give them: {@code Map<String, ?>} with {@code String}, {@code Integer},
 * {@code Long}, {@code Double}, {@code Boolean}, {@code List} and {@code Map} values ({@code Map.of()} or
 * {@code null} for none). Problems read {@code path: message}, with paths relative to the component's options
 * (in a route, the gateway prefixes them with e.g. {@code routes[0].filters[1].hello.}); a problem about the
 * record as a whole, such as a compact constructor's, is the message alone. {@link #bindYaml} reads YAML as the
 * gateway does ({@code no} and {@code 0123} stay strings, duplicate keys are refused) and needs
 * {@code org.yaml:snakeyaml} on the test class path. Stateless and thread-safe.
 *
 * @since 1.5.0
 */
public final class TestConfig {

    private static final ConfigBinder BINDER = new ConfigBinder();

    private TestConfig() {
    }

    /**
     * What binding gave.
     *
     * @param value    the bound record, or {@code null} if there were problems
     * @param problems every problem, as {@code path: message} (or the message alone at the root); empty if none
     * @param <C>      the config record type
     */
    public record Bound<C>(C value, List<String> problems) {
        /**
         * @return the bound record
         * @throws AssertionError listing the problems, if there were any
         */
        public C orThrow() {
            if (!problems.isEmpty()) {
                throw new AssertionError("the config did not bind: " + String.join("; ", problems));
            }
            return value;
        }
    }

    /**
     * Binds {@code options} to {@code type} as the gateway does.
     *
     * @param type    the config record type
     * @param options the options as parsed from YAML; {@code null} for none
     * @param <C>     the config record type
     * @return the record, or the problems
     */
    public static <C extends Record> Bound<C> bind(Class<C> type, Object options) {
        Objects.requireNonNull(type, "type");
        List<String> problems = new ArrayList<>();
        C value = BINDER.bind(options, type, "", (path, message) ->
                problems.add(path.isEmpty() ? message : path + ": " + message));
        return new Bound<>(problems.isEmpty() ? value : null, List.copyOf(problems));
    }

    /**
     * Reads {@code yaml} as the gateway reads its config file, then binds it to {@code type}: the text is what would
     * follow {@code - hello:} in a route's filters, e.g. {@code "{greeting: Hi}"}, a block map, or a shortcut scalar.
     *
     * @param type the config record type
     * @param yaml the options as YAML; empty for none
     * @param <C>  the config record type
     * @return the record, or the problems
     * @throws IllegalArgumentException if {@code yaml} is not valid YAML
     */
    public static <C extends Record> Bound<C> bindYaml(Class<C> type, String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        DumperOptions dumperOptions = new DumperOptions();
        Yaml parser = new Yaml(new SafeConstructor(options), new Representer(dumperOptions), dumperOptions, options,
                new CoreSchemaResolver());
        Object tree;
        try {
            tree = parser.load(yaml);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not valid YAML: " + e.getMessage(), e);
        }
        return bind(type, tree);
    }

    /**
     * Binds {@code options} to the factory's config type and, if that worked, runs its {@code validate}, as the
     * gateway does before {@code create}.
     *
     * @param factory the component's factory
     * @param options the options as parsed from YAML; {@code null} for none
     * @param <C>     the config record type
     * @return the record, or the binding's or validation's problems
     */
    public static <C extends Record> Bound<C> check(ComponentFactory<C, ?> factory, Object options) {
        Bound<C> bound = bind(factory.configType(), options);
        if (!bound.problems().isEmpty()) {
            return bound;
        }
        List<String> problems = new ArrayList<>();
        factory.validate(bound.value(), (path, message) ->
                problems.add(path == null || path.isEmpty() ? message : path + ": " + message));
        return new Bound<>(problems.isEmpty() ? bound.value() : null, List.copyOf(problems));
    }
}
