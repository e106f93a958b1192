package io.gatehouse.bench.webclient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a check found, one line per case ({@code present|detail} or {@code absent|detail}) in
 * {@code ${findings.dir}/<check>.txt}, for bench/webclient/run's table. Also printed to the test's output.
 */
final class Findings {

    private Findings() {
    }

    static void record(String check, boolean bugPresent, String detail) {
        String line = (bugPresent ? "present" : "absent") + "|" + detail.replace('\n', ' ').replace('|', '/');
        System.out.println(check + ": " + line);
        String dir = System.getProperty("findings.dir");
        if (dir == null) {
            return;
        }
        try {
            Files.createDirectories(Path.of(dir));
            Files.writeString(Path.of(dir, check + ".txt"), line + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
