package io.gatehouse.core.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The config file's atomic replacement: permissions kept, a symlink's target replaced, no temp file left. */
class ConfigFileWriterTest {

    @TempDir
    Path dir;

    @Test
    void theNewTextTakesTheOldFilesPermissions() throws Exception {
        Path file = dir.resolve("gatehouse.yaml");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        ConfigFileWriter.write(file, "new: ü");
        assertEquals("new: ü", Files.readString(file));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temp file left");
        }
    }

    @Test
    void aSymlinkedConfigIsReplacedWhereItLives() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real")).resolve("gatehouse.yaml");
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.yaml"), real);
        ConfigFileWriter.write(link, "new");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(real));
    }
}
