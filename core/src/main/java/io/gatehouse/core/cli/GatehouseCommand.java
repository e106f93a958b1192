package io.gatehouse.core.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * The {@code gatehouse} command: its subcommands, one class each in this package. Every command has
 * {@code --help} and {@code --version} (inherited from here).
 *
 * <p>Exit codes, the same for every command: {@value #OK} success; {@value #PROBLEMS} the config, a plugin or the
 * input has problems (each printed as a {@code path: problem} line); {@value #USAGE} a usage error (unknown
 * option, missing argument, unknown component id, nothing on stdin for {@code hash-key}).
 *
 * <p>Not final only so that {@link io.gatehouse.core.Main} can be this command too
 * ({@code new CommandLine(new Main())}, as tests of other modules run {@code check}).
 */
@Command(name = "gatehouse", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = Versions.FirstLine.class,
        description = "A plugin-based API gateway for the JVM.",
        footer = {"", "Exit codes: 0 ok, 1 problems (invalid config, refused plugin), 2 usage error.",
                "Without a command, gatehouse runs `gatehouse run`."},
        subcommands = {RunCommand.class, CheckCommand.class, RoutesCommand.class, PluginsCommand.class,
                VersionCommand.class, HashKeyCommand.class, DemoCommand.class, ScriptCommand.class, CompletionCommand.class,
                CommandLine.HelpCommand.class})
public class GatehouseCommand implements Callable<Integer> {

    /** The command succeeded. */
    public static final int OK = 0;
    /** The config (or a plugin, or the input) has problems; they were printed. */
    public static final int PROBLEMS = 1;
    /** The command line was wrong; the message and the usage were printed. */
    public static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    /** The command; {@link #commandLine()} wraps it. */
    public GatehouseCommand() {
    }

    /** @return the command line, ready to {@code execute} */
    public static CommandLine commandLine() {
        // picocli's own defaults are ours: 2 (ExitCode.USAGE) on invalid input, 1 (ExitCode.SOFTWARE) on an exception.
        return new CommandLine(new GatehouseCommand());
    }

    /** Without a subcommand (but with some option that is not --help): show the usage. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }
}
