package io.gatehouse.core.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code gatehouse plugins}: {@code list} and {@code describe ID}. */
@Command(name = "plugins", description = "What plugins/ and the core provide: `plugins list`, `plugins describe ID`.",
        subcommands = {PluginsListCommand.class, PluginsDescribeCommand.class})
final class PluginsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** {@code gatehouse plugins} alone: the usage, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return GatehouseCommand.USAGE;
    }
}
