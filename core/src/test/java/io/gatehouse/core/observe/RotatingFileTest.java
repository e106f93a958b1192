package io.gatehouse.core.observe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rotation by size: whole writes, numbered files shifted, the oldest deleted. */
class RotatingFileTest {

    @TempDir
    Path dir;

    private static void writeLines(RotatingFile file, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            String text = "line " + (char) ('a' + i) + " " + "x".repeat(31) + "\n"; // 40 bytes
            byte[] line = text.getBytes(StandardCharsets.US_ASCII);
            file.write(line, 0, line.length);
        }
    }

    @Test
    void rotatesBeforeAWriteWouldPassTheSizeAndKeepsMaxFiles() throws IOException {
        Path log = dir.resolve("access.log");
        try (RotatingFile file = new RotatingFile(log, 100, 2)) {
            writeLines(file, 0, 7);
        }
        // 2 lines a file: g | e f | c d (a b deleted)
        assertEquals(List.of("g"), firstLetters(log));
        assertEquals(List.of("e", "f"), firstLetters(dir.resolve("access.log.1")));
        assertEquals(List.of("c", "d"), firstLetters(dir.resolve("access.log.2")));
        assertFalse(Files.exists(dir.resolve("access.log.3")));
    }

    @Test
    void continuesAnExistingFileAndCountsItsSize() throws IOException {
        Path log = dir.resolve("access.log");
        Files.writeString(log, "y".repeat(79) + "\n");
        try (RotatingFile file = new RotatingFile(log, 100, 1)) {
            writeLines(file, 0, 1);
        }
        assertEquals(List.of("a"), firstLetters(log));
        assertTrue(Files.readString(dir.resolve("access.log.1")).startsWith("yyy"));
    }

    @Test
    void noRotatedFilesKeptMeansStartingAfresh() throws IOException {
        Path log = dir.resolve("access.log");
        try (RotatingFile file = new RotatingFile(log, 100, 0)) {
            writeLines(file, 0, 5);
        }
        assertEquals(List.of("e"), firstLetters(log));
        assertFalse(Files.exists(dir.resolve("access.log.1")));
    }

    @Test
    void sizeZeroNeverRotates() throws IOException {
        Path log = dir.resolve("access.log");
        try (RotatingFile file = new RotatingFile(log, 0, 3)) {
            writeLines(file, 0, 10);
        }
        assertEquals(10, Files.readAllLines(log).size());
        assertFalse(Files.exists(dir.resolve("access.log.1")));
    }

    @Test
    void aRotationThatFailsKeepsTheLinesInTheFileAndTriesAgainLater() throws IOException {
        Path log = dir.resolve("access.log");
        Files.createDirectories(dir.resolve("access.log.1/in-the-way")); // cannot be replaced
        try (RotatingFile file = new RotatingFile(log, 100, 1)) {
            writeLines(file, 0, 6);
        }
        assertEquals(List.of("a", "b", "c", "d", "e", "f"), firstLetters(log), "nothing lost");
        assertTrue(Files.isDirectory(dir.resolve("access.log.1/in-the-way")));
    }

    @Test
    void rotationNeverDeletesOrMovesAFolder() throws IOException {
        Path log = dir.resolve("access.log");
        Files.createDirectories(dir.resolve("access.log.2")); // empty: deleteIfExists would take it
        try (RotatingFile file = new RotatingFile(log, 100, 2)) {
            writeLines(file, 0, 4);
        }
        assertTrue(Files.isDirectory(dir.resolve("access.log.2")), "the folder stays");
        assertFalse(Files.exists(dir.resolve("access.log.1")), "no rotation while a folder is in the way");
        assertEquals(List.of("a", "b", "c", "d"), firstLetters(log), "nothing lost");
    }

    private static List<String> firstLetters(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(line -> line.substring(5, 6)).toList();
    }
}
