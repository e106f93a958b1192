package io.gatehouse.plugins.discovery.etcd;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.TestAbortedException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A missing server skips its test on a developer's machine, and fails it under CI. */
class RequiredCommandTest {

    /** What happens: the binary is found, the test is skipped, or it fails. */
    enum Outcome { FOUND, SKIPPED, FAILED }

    record Case(String desc, boolean installed, String ci, Outcome expected) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("installed, CI=true", true, "true", Outcome.FOUND),
                new Case("installed, no CI", true, null, Outcome.FOUND),
                new Case("missing, no CI", false, null, Outcome.SKIPPED),
                new Case("missing, CI=false", false, "false", Outcome.SKIPPED),
                new Case("missing, CI empty", false, "", Outcome.SKIPPED),
                new Case("missing, CI=true", false, "true", Outcome.FAILED),
                new Case("missing, CI=TRUE", false, "TRUE", Outcome.FAILED),
                new Case("missing, CI=1", false, "1", Outcome.FAILED));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void aMissingServerSkipsOnlyOutsideCi(Case c, @TempDir Path dir) throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Path bin = Files.createDirectory(dir.resolve("bin"));
        if (c.installed()) {
            Path binary = Files.writeString(bin.resolve("etcd"), "#!/bin/sh\n");
            assertTrue(binary.toFile().setExecutable(true));
        }
        List<Path> dirs = List.of(empty, bin);
        switch (c.expected()) {
            case FOUND -> assertEquals(bin.resolve("etcd"), RequiredCommand.find("etcd", "etcd-server", dirs, c.ci()));
            case SKIPPED -> assertNamesThePackage(assertThrows(TestAbortedException.class,
                    () -> RequiredCommand.find("etcd", "etcd-server", dirs, c.ci())));
            case FAILED -> assertNamesThePackage(assertInstanceOf(AssertionError.class, assertThrows(Throwable.class,
                    () -> RequiredCommand.find("etcd", "etcd-server", dirs, c.ci()))));
        }
    }

    private static void assertNamesThePackage(Throwable thrown) {
        assertTrue(thrown.getMessage().contains("install the Debian package etcd-server"), thrown.getMessage());
    }
}
