package io.gatehouse.core.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.TestAbortedException;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The browser test's missing-browser rule: skip on a developer's machine, fail under CI. */
class HeadlessChromiumTest {

    private static final Path ABSENT = Path.of("/nonexistent/chromium");

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "1"})
    void underCiAMissingBrowserFailsTheTest(String ci) {
        AssertionError error = assertThrows(AssertionError.class,
                () -> HeadlessChromium.require(ABSENT, "chromium", ci));
        assertTrue(error.getMessage().contains("install the Debian package chromium"), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "false", "0", "yes"})
    void elsewhereItSkipsTheTestNamingThePackage(String ci) {
        TestAbortedException skipped = assertThrows(TestAbortedException.class,
                () -> HeadlessChromium.require(ABSENT, "chromium-driver", ci));
        assertTrue(skipped.getMessage().contains("chromium-driver"), skipped.getMessage());
    }

    @Test
    void withoutCiSetAtAllItSkipsToo() {
        assertThrows(TestAbortedException.class, () -> HeadlessChromium.require(ABSENT, "chromium", null));
    }

    @Test
    void anExecutableThatIsThereIsAccepted() throws Exception {
        Path binary = Files.createTempFile("chromium", "");
        binary.toFile().setExecutable(true);
        try {
            assertDoesNotThrow(() -> HeadlessChromium.require(binary, "chromium", "true"));
        } finally {
            Files.delete(binary);
        }
    }
}
