package io.gatehouse.core.cli;

import io.gatehouse.core.builtin.Builtins;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.config.LoadedConfig;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.generation.GenerationBuilder;
import io.gatehouse.core.plugin.PluginException;
import io.gatehouse.core.plugin.PluginHost;
import io.gatehouse.core.plugin.PluginProblem;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a config file the way {@code run} would build it, through every stage: the plugins in {@code plugins/}
 * (a refused plugin is a problem), YAML, binding, validation, references, component configs, routes and scripts.
 * Starts nothing that listens, and keeps the logs quiet ({@link QuietLogging}).
 *
 * @param loaded   the config as far as it could be read
 * @param problems every problem, each with its path; empty when {@code run} would start with this config
 */
record ConfigCheck(LoadedConfig loaded, List<Problem> problems) {

    ConfigCheck {
        problems = List.copyOf(problems);
    }

    static ConfigCheck of(Path file, Path home, Map<String, String> env) {
        LoadedConfig loaded = ConfigLoader.read(file, env);
        List<Problem> problems = new ArrayList<>();
        Path pluginsDir = home.resolve("plugins");
        try (QuietLogging quiet = QuietLogging.on();
             PluginHost plugins = PluginHost.start(pluginsDir, Builtins.factories());
             OnDemandScripts scripts = new OnDemandScripts(home.resolve("scripts"))) {
            for (PluginProblem refused : plugins.registry().problems()) {
                problems.add(new Problem(home.relativize(pluginsDir.resolve(refused.source())).toString(),
                        refused.message()));
            }
            problems.addAll(new GenerationBuilder(plugins.registry(), home, scripts).check(loaded));
        } catch (PluginException e) {
            // Two plugins claim one component: nothing can say which the config means; report what the file says.
            for (String conflict : e.getMessage().split("\n")) {
                problems.add(new Problem(home.relativize(pluginsDir).toString(), conflict));
            }
            problems.addAll(loaded.problems());
        }
        return new ConfigCheck(loaded, problems);
    }

    boolean ok() {
        return problems.isEmpty();
    }

    /** @return the problems as {@code path: problem} lines, each on one line (a line break in a message is a space) */
    List<String> lines() {
        return problems.stream().map(p -> p.toString().strip().replaceAll("\\s*\\R\\s*", " ")).toList();
    }
}
