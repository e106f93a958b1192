package io.gatehouse.core;

import io.gatehouse.core.cli.GatehouseCommand;
import picocli.CommandLine;

/**
 * The {@code gatehouse} command line; the commands are in {@link io.gatehouse.core.cli}. {@code Main} is the
 * command itself too, so {@code new CommandLine(new Main()).execute("check", file)} works.
 */
public final class Main extends GatehouseCommand {

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                    "%1$tF %1$tT.%1$tL %4$-7s %3$s - %5$s%6$s%n");
        }
        System.exit(new CommandLine(new Main()).execute(args.length == 0 ? new String[]{"run"} : args));
    }
}
