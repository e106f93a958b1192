package io.gatehouse.core.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code gatehouse script}: {@code test [FILE...]}. */
@Command(name = "script", description = "JavaScript filters in scripts/: `script test [FILE...]` runs their tests.",
        subcommands = {ScriptTestCommand.class})
final class ScriptCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** {@code gatehouse script} alone: the usage, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return GatehouseCommand.USAGE;
    }
}
