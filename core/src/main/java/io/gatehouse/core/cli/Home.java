package io.gatehouse.core.cli;

import java.nio.file.Path;

/** The gateway home of a command: {@code --home} if given, else {@code $gatehouse.home}, else the current folder. */
final class Home {

    static final String OPTION_HELP = "Gateway home (conf/, plugins/, scripts/). Default: $gatehouse.home "
            + "(bin/gatehouse sets it to its own folder) or the current folder.";

    private Home() {
    }

    static Path resolve(Path option) {
        String property = System.getProperty("gatehouse.home");
        Path home = option != null ? option : Path.of(property == null ? "." : property);
        return home.toAbsolutePath().normalize();
    }
}
