package io.gatehouse.core.plugin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginFilesTest {

    @TempDir
    Path plugins;
    private final PluginFiles files = new PluginFiles();

    @AfterEach
    void discard() {
        files.discardAll();
    }

    @Test
    void atStartAnArchiveIsCopiedAsItIsHashedAndThatCopyIsLoadedOnce() throws IOException {
        Path jar = jar("one.jar", "a");
        PluginFiles.Entry entry = files.scan(plugins, true).entries().get("one.jar");
        assertNotNull(entry.copy(), "the start scan copies the archive");
        assertEquals(PluginFiles.hash(jar), entry.hash());
        assertEquals(PluginFiles.hash(entry.copy()), entry.hash(), "the hash is the copy's");

        Path first = files.loadable(entry);
        assertEquals(entry.copy(), first, "the start's copy is what is loaded");
        Path second = files.loadable(entry);
        assertNotEquals(first, second, "a second load of the entry gets a copy of its own");
        assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(second));

        files.discard(first);
        assertFalse(Files.exists(first));
        assertTrue(Files.exists(second), "discarding one copy leaves the other");
    }

    @Test
    void laterScansHashWithoutCopyingAndALoadSeesARewriteSinceTheScan() throws IOException {
        jar("one.jar", "a");
        PluginFiles.Entry entry = files.scan(plugins, false).entries().get("one.jar");
        assertNull(entry.copy(), "a scan after start copies nothing");
        jar("one.jar", "b");   // rewritten between the scan and the load
        assertNull(files.loadable(entry), "the copy is not what was scanned: the next look takes it");
        PluginFiles.Entry again = files.scan(plugins, false).entries().get("one.jar");
        assertNotEquals(entry.hash(), again.hash());
        assertNotNull(files.loadable(again));
    }

    @Test
    void aTruncatedArchiveAtStartIsHandedOverUnreadable() throws IOException {
        Files.write(plugins.resolve("broken.jar"), new byte[] {'P', 'K', 3, 4, 0, 0});
        PluginFiles.Entry entry = files.scan(plugins, true).entries().get("broken.jar");
        assertFalse(entry.readable());
        assertEquals(entry.copy(), files.loadable(entry));
    }

    private Path jar(String name, String content) throws IOException {
        Path jar = plugins.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new ZipEntry("content.txt"));
            out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }
}
