package io.gatehouse.core.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** {@code FILE [--home DIR]}: the config file a read-only command checks, and the home of its plugins and scripts. */
final class ConfigFileOptions {

    @Parameters(paramLabel = "FILE", description = "The config file.")
    Path file;

    @Option(names = "--home", paramLabel = "DIR", description = Home.OPTION_HELP)
    Path home;

    /** @return the file checked through every stage, quietly */
    ConfigCheck check() {
        return ConfigCheck.of(file, Home.resolve(home), System.getenv());
    }
}
