package io.gatehouse.core.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code gatehouse check FILE}: every problem of every stage, one {@code path: problem} line each. */
@Command(name = "check", description = {"Validate a config file without starting anything: every problem of every "
        + "stage (YAML, keys and types, references, component configs, routes and host patterns, scripts, refused "
        + "plugins) in one run, one `path: problem` line each on stdout; `FILE: OK` when there is none.",
        "Nothing else is printed: plugin loading and the script engine are quiet."},
        footer = {"", "Exit codes: 0 the config is valid, 1 it has problems (or a plugin is refused), 2 usage error."})
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFileOptions config;

    @Override
    public Integer call() {
        ConfigCheck check = config.check();
        PrintWriter out = spec.commandLine().getOut();
        if (check.ok()) {
            out.println(config.file + ": OK");
            out.flush();
            return GatehouseCommand.OK;
        }
        check.lines().forEach(out::println);
        out.flush();
        return GatehouseCommand.PROBLEMS;
    }
}
