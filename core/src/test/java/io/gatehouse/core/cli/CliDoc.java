package io.gatehouse.core.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A code block of {@code docs/cli.md} marked {@code <!-- MARKER -->}, so the tests run what the page shows. */
final class CliDoc {

    private CliDoc() {
    }

    /**
     * @param marker e.g. {@code output: cli-routes}
     * @return the text of the first code block after the marker
     */
    static String block(String marker) throws IOException {
        Path page = Path.of("..", "docs", "cli.md").toAbsolutePath().normalize();
        Matcher block = Pattern.compile("<!-- " + Pattern.quote(marker) + " -->\\s*```\\w*\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(page));
        if (!block.find()) {
            throw new AssertionError("docs/cli.md has no code block marked <!-- " + marker + " -->");
        }
        return block.group(1);
    }
}
