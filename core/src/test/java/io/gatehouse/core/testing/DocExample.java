package io.gatehouse.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A config example from {@code docs/}, for a test that runs exactly what the documentation shows. The example is
 * the first {@code yaml} code block after a marker line {@code <!-- example: NAME -->} in the page (the marker is
 * an HTML comment, invisible on the rendered page).
 */
public final class DocExample {

    private DocExample() {
    }

    /**
     * @param page the page's path from the repository root, e.g. {@code docs/authentication.md}
     * @param name the marker's name
     * @return the YAML text of the block
     * @throws AssertionError if the page or the marked block is missing
     */
    public static String yaml(String page, String name) throws IOException {
        Path file = repositoryRoot().resolve(page);
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("no page " + file);
        }
        Matcher block = Pattern.compile("<!-- example: " + Pattern.quote(name) + " -->\\s*```yaml\\n(.*?)```",
                Pattern.DOTALL).matcher(Files.readString(file));
        if (!block.find()) {
            throw new AssertionError(page + " has no yaml block marked <!-- example: " + name + " -->");
        }
        return block.group(1);
    }

    /** The directory holding {@code docs/}: the working directory of a module's tests, or one of its parents. */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("docs"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new AssertionError("no docs/ above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
