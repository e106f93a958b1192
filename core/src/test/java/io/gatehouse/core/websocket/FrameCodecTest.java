package io.gatehouse.core.websocket;

import io.helidon.common.buffers.DataReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frame codec: headers read as sent (all three length forms, masks), the frames the gateway makes, the rules. */
class FrameCodecTest {

    @Test
    void headersOfEveryLengthFormAreReadWithTheirRawBytes() {
        for (int length : new int[] {0, 125, 126, 65535, 65536, 1 << 20}) {
            byte[] payload = new byte[length];
            byte[] mask = {1, 2, 3, 4};
            byte[] frame = FrameHeader.encode(FrameHeader.BINARY, payload, mask);
            FrameHeader header = FrameHeader.read(reader(frame, 7)); // arriving in 7-byte pieces
            assertEquals(length, header.length());
            assertTrue(header.fin());
            assertTrue(header.masked());
            assertArrayEquals(mask, header.mask());
            assertEquals(FrameHeader.BINARY, header.opcode());
            assertArrayEquals(Arrays.copyOf(frame, header.raw().length), header.raw(), "forwarded as it came");
            assertEquals(frame.length - length, header.raw().length);
        }
    }

    @Test
    void anEmptyUnmaskedFrameNeedsNoMoreBytesThanItsTwo() {
        // nothing follows the pong: reading it must not wait for (here: fail on) the next bytes
        FrameHeader pong = FrameHeader.read(reader(new byte[] {(byte) 0x8A, 0}, 2));
        assertEquals(FrameHeader.PONG, pong.opcode());
        assertEquals(0, pong.length());
    }

    @Test
    void aPeerClosingInTheMiddleOfAHeaderIsTheEndOfTheStream() {
        assertThrows(DataReader.InsufficientDataAvailableException.class,
                () -> FrameHeader.read(reader(new byte[] {(byte) 0x81, (byte) 0xFE, 0}, 1)));
    }

    @Test
    void closeFramesTheGatewayMakesAreMaskedOnlyTowardTheUpstream() {
        byte[] toClient = CloseFrame.of(1009, "too big", false);
        FrameHeader header = FrameHeader.read(reader(toClient, 100));
        assertEquals(FrameHeader.CLOSE, header.opcode());
        assertTrue(!header.masked());
        byte[] toUpstream = CloseFrame.of(1009, "too big", true);
        FrameHeader masked = FrameHeader.read(reader(toUpstream, 100));
        assertTrue(masked.masked());
        byte[] payload = masked.unmask(Arrays.copyOfRange(toUpstream, masked.raw().length, toUpstream.length));
        assertEquals(1009, ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF));
        assertEquals("too big", new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
        byte[] cut = CloseFrame.of(1001, "é".repeat(100), false);
        assertTrue(cut.length <= 127, "a control frame's payload fits 125 bytes");
        assertNull(CloseFrame.problem(Arrays.copyOfRange(cut, 2, cut.length)), "cut on a character boundary");
    }

    record Case(String desc, boolean fromClient, boolean deflate, List<byte[]> frames, Integer refusedWith) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static List<Case> cases() {
        byte[] small = new byte[10];
        return List.of(
                new Case("masked client text", true, false, List.of(frame(0x81, small, true)), null),
                new Case("unmasked client frame", true, false, List.of(frame(0x81, small, false)), 1002),
                new Case("masked server frame", false, false, List.of(frame(0x81, small, true)), 1002),
                new Case("unknown data opcode", true, false, List.of(frame(0x83, small, true)), 1002),
                new Case("unknown control opcode", true, false, List.of(frame(0x8B, small, true)), 1002),
                new Case("fragmented ping", true, false, List.of(frame(0x09, small, true)), 1002),
                new Case("ping of 126 bytes", true, false, List.of(frame(0x89, new byte[126], true)), 1002),
                new Case("ping inside a fragmented message", true, false, List.of(frame(0x01, small, true),
                        frame(0x89, small, true), frame(0x80, small, true)), null),
                new Case("continuation without a message", true, false, List.of(frame(0x80, small, true)), 1002),
                new Case("new message inside a message", true, false, List.of(frame(0x01, small, true),
                        frame(0x81, small, true)), 1002),
                new Case("RSV1 without deflate", true, false, List.of(frame(0xC1, small, true)), 1002),
                new Case("RSV1 with deflate", true, true, List.of(frame(0xC1, small, true)), null),
                new Case("RSV1 on a continuation", true, true, List.of(frame(0x41, small, true),
                        frame(0xC0, small, true)), 1002),
                new Case("RSV2", false, true, List.of(frame(0xA1, small, false)), 1002),
                new Case("message at the limit in fragments", true, false, List.of(frame(0x02, new byte[50], true),
                        frame(0x80, new byte[50], true)), null),
                new Case("message over the limit in fragments", true, false, List.of(frame(0x02, new byte[50], true),
                        frame(0x00, new byte[50], true), frame(0x80, new byte[1], true)), 1009),
                new Case("limit counts per message", false, false, List.of(frame(0x82, new byte[100], false),
                        frame(0x82, new byte[100], false)), null));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void frameRules(Case c) {
        FrameRules rules = new FrameRules(c.fromClient(), c.deflate(), 100);
        FrameRules.Violation violation = null;
        for (byte[] frame : c.frames()) {
            violation = rules.check(FrameHeader.read(reader(frame, frame.length)));
            if (violation != null) {
                break;
            }
        }
        assertEquals(c.refusedWith(), violation == null ? null : violation.code(), String.valueOf(violation));
    }

    @Test
    void closePayloads() {
        assertNull(CloseFrame.problem(new byte[0]));
        assertNull(CloseFrame.problem(new byte[] {0x03, (byte) 0xE8, 'o', 'k'}));
        assertTrue(CloseFrame.problem(new byte[] {0x03}) != null);
        assertTrue(CloseFrame.problem(new byte[] {0x03, (byte) 0xED}) != null, "1005 is never sent");
        assertTrue(CloseFrame.problem(new byte[] {0x03, (byte) 0xE8, (byte) 0xFF}) != null, "not UTF-8");
    }

    private static byte[] frame(int b0, byte[] payload, boolean masked) {
        byte[] frame = FrameHeader.encode(0, payload, masked ? new byte[] {9, 8, 7, 6} : null);
        frame[0] = (byte) b0;
        return frame;
    }

    /** A reader over {@code bytes} that hands them out {@code piece} at a time, then reports the end. */
    private static DataReader reader(byte[] bytes, int piece) {
        int[] at = {0};
        Supplier<byte[]> source = () -> {
            if (at[0] >= bytes.length) {
                return null;
            }
            int n = Math.min(piece, bytes.length - at[0]);
            byte[] next = Arrays.copyOfRange(bytes, at[0], at[0] + n);
            at[0] += n;
            return next;
        };
        return new DataReader(source);
    }
}
