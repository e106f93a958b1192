package io.gatehouse.core.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsWriterTest {

    @Test
    void theEnforcedLimitHasSlackAndMapsBackToTheConfiguredOne() {
        assertEquals(65, SettingsWriter.enforced(1));
        assertEquals(200, SettingsWriter.enforced(100));
        assertEquals(11_024, SettingsWriter.enforced(10_000));
        for (long advertised : new long[] {1, 2, 63, 64, 65, 100, 1023, 1024, 1025, 5000, Integer.MAX_VALUE}) {
            assertTrue(SettingsWriter.enforced(advertised) > advertised);
            assertEquals(advertised, SettingsWriter.advertised(SettingsWriter.enforced(advertised)));
        }
    }

    @Test
    void onlyTheServersFirstSettingsFrameIsRewritten() {
        List<byte[]> written = new ArrayList<>();
        SettingsWriter writer = new SettingsWriter(capture(written));
        byte[] header = {0, 0, 12, 0x4, 0, 0, 0, 0, 0};
        byte[] entries = {0, 0x5, 0, 0, 0x40, 0, /* MAX_CONCURRENT_STREAMS 200 */ 0, 0x3, 0, 0, 0, (byte) 200};
        byte[] ack = {0, 0, 0, 0x4, 0x1, 0, 0, 0, 0};
        writer.write(BufferData.create(ack));
        // header and payload in one composite buffer, as Helidon's Http2ConnectionWriter writes a frame
        writer.write(BufferData.create(BufferData.create(header), BufferData.create(entries)));
        byte[] again = concat(header, entries);
        writer.write(BufferData.create(again.clone()));

        assertArrayEquals(ack, written.get(0));
        assertArrayEquals(concat(header, new byte[] {0, 0x5, 0, 0, 0x40, 0, 0, 0x3, 0, 0, 0, 100}), written.get(1));
        assertArrayEquals(again, written.get(2));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static DataWriter capture(List<byte[]> written) {
        return new DataWriter() {
            @Override
            public void write(BufferData... buffers) {
                for (BufferData buffer : buffers) {
                    write(buffer);
                }
            }

            @Override
            public void write(BufferData buffer) {
                written.add(buffer.readBytes());
            }

            @Override
            public void writeNow(BufferData... buffers) {
                write(buffers);
            }

            @Override
            public void writeNow(BufferData buffer) {
                write(buffer);
            }
        };
    }
}
