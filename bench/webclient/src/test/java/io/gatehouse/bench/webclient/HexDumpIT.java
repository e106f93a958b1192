package io.gatehouse.bench.webclient;

import io.helidon.common.buffers.BufferData;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.System.Logger.Level.TRACE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bug 1: Helidon 4.2's client formats every response buffer as a hex dump for a TRACE log line even with TRACE
 * off ({@code Http1CallChainBase$ContentLengthInputStream.ensureBuffer} → {@code BufferData.debugDataHex}).
 *
 * <p>Every {@code BufferData.debugDataHex} implementation formats through {@code BufferUtil.debugDataHex}, so the
 * check counts that method's calls exactly with JFR method timing (JDK 25: bytecode instrumentation, not sampling)
 * while the client reads responses. One deliberate call proves the counting works.
 */
class HexDumpIT {

    private static final String HEX_DUMP = "io.helidon.common.buffers.BufferUtil::debugDataHex";
    private static final int RESPONSES = 2000;

    @Test
    void responseBuffersAreNotHexDumpedWithTraceOff() throws Exception {
        assertTrue(FlightRecorder.getFlightRecorder().getEventTypes().stream()
                .anyMatch(type -> type.getName().equals("jdk.MethodTiming")), "needs JDK 25+ (JFR method timing)");
        assertFalse(System.getLogger("io.helidon.webclient.http1.Http1CallChainBase").isLoggable(TRACE),
                "TRACE must be off for this check");
        long calls;
        try (FixedServer server = FixedServer.start(0, 4096);
             HelidonClient client = new HelidonClient(server.port(), "/");
             Recording recording = new Recording()) {
            client.get(); // connect and load classes before counting
            recording.enable("jdk.MethodTiming").with("filter", HEX_DUMP);
            recording.start();
            BufferData.create("control").debugDataHex(); // the one call that must be counted
            for (int i = 0; i < RESPONSES; i++) {
                client.get();
            }
            recording.stop();
            long counted = invocations(recording);
            assertTrue(counted >= 1, "JFR method timing did not count the control call: the check cannot see calls");
            calls = counted - 1;
        }
        Findings.record("1-hex-dump", calls > 0, calls + " hex dumps for " + RESPONSES + " responses of 4 KiB");
        assertEquals(0, calls, "response buffers were hex-dumped with TRACE off");
    }

    private static long invocations(Recording recording) throws Exception {
        Path file = Files.createTempFile("hex-dump", ".jfr");
        try {
            recording.dump(file);
            long max = 0;
            for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
                if (event.getEventType().getName().equals("jdk.MethodTiming")) {
                    max = Math.max(max, event.getLong("invocations")); // cumulative: the last one counts all
                }
            }
            return max;
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
