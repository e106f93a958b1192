package io.gatehouse.core.plugin;

import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailuresTest {

    /** Stands in for a plugin's factory: its package is the "own code" the frame is looked for in. */
    static final class Factory {
        static Exception fail(String message) {
            return new IllegalStateException(message);
        }
    }

    @Test
    void aPluginFailureKeepsTheExceptionClassAndTheTopFrameOfThePluginsCode() {
        Exception e = new InvocationTargetException(Factory.fail("no key"));

        String described = Failures.describeFrom(e, Factory.class);

        assertTrue(described.startsWith("IllegalStateException: no key (at io.gatehouse.core.plugin.FailuresTest$Factory.fail(FailuresTest.java:"),
                described);
        assertTrue(described.endsWith("))"), described);
    }

    @Test
    void withoutAMessageTheClassAloneAndWithoutAFrameNoWhere() {
        Error e = new NoClassDefFoundError();
        e.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("java.lang.Thread", "run", "Thread.java", 1)});

        assertEquals("NoClassDefFoundError", Failures.describeFrom(e, FailuresTest.class));
    }

    @Test
    void aFrameOutsideThePluginsPackageButOutsideThePlatformIsTheFallback() {
        Exception e = new IllegalArgumentException("bad");
        e.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("java.util.Objects", "requireNonNull", "Objects.java", 233),
                new StackTraceElement("com.acme.lib.Parser", "parse", "Parser.java", 12),
                new StackTraceElement("io.gatehouse.core.generation.ComponentCreation", "create", null, -1)});

        assertEquals("IllegalArgumentException: bad (at com.acme.lib.Parser.parse(Parser.java:12))",
                Failures.describeFrom(e, FailuresTest.class));
    }

    @Test
    void theBuiltInDescriptionIsUnchanged() {
        assertEquals("boom", Failures.describe(new InvocationTargetException(new IllegalStateException("boom"))));
    }
}
