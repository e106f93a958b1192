package io.gatehouse.core.script;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** A temp gateway home whose scripts/ holds the shipped examples plus what a test writes. */
final class ScriptHome {

    static final Duration DEADLINE = Duration.ofSeconds(15);

    private ScriptHome() {
    }

    static Path create() throws IOException {
        Path home = Files.createTempDirectory("gatehouse-scripts");
        Path examples = Path.of("..", "scripts", "examples");
        Path target = Files.createDirectories(home.resolve("scripts/examples"));
        try (Stream<Path> files = Files.list(examples)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        return home;
    }

    /** Writes a script the way editors save: a temp file renamed over the old one. */
    static void write(Path home, String name, String text) {
        try {
            Path file = home.resolve("scripts").resolve(name);
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(temp, text);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
