package io.gatehouse.core;

import io.gatehouse.core.cli.GatehouseCommand;

/** The {@code gatehouse} command line; the commands are in {@link io.gatehouse.core.cli}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                    "%1$tF %1$tT.%1$tL %4$-7s %3$s - %5$s%6$s%n");
        }
        System.exit(GatehouseCommand.commandLine().execute(args.length == 0 ? new String[]{"run"} : args));
    }
}
