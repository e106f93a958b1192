package io.gatehouse.core.proxy;

import java.util.Arrays;

/**
 * Reads IP address literals as bytes without ever resolving a name: dotted-quad IPv4 (each part 0 to 255, no
 * leading zeros, which some parsers read as octal) and IPv6 (RFC 4291 section 2.2: eight groups of up to four hex
 * digits, one {@code ::}, a dotted-quad tail).
 */
final class IpLiteral {

    private IpLiteral() {
    }

    /** @return 4 or 16 bytes, or {@code null} when {@code text} is not an IP literal */
    static byte[] parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String a = text;
        boolean bracketed = a.startsWith("[") && a.endsWith("]");
        if (bracketed) {
            a = a.substring(1, a.length() - 1);
        }
        int zone = a.indexOf('%');
        if (zone >= 0) {
            a = a.substring(0, zone);
        }
        if (a.indexOf(':') < 0) {
            return bracketed || zone >= 0 ? null : ipv4(a);
        }
        byte[] v6 = ipv6(a);
        return v6 == null ? null : unmapped(v6);
    }

    private static byte[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
                    || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    private static byte[] ipv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String head = gap < 0 ? text : text.substring(0, gap);
        String tail = gap < 0 ? "" : text.substring(gap + 2);
        int[] front = groups(head, gap < 0);
        int[] back = gap < 0 ? new int[0] : groups(tail, true);
        if (front == null || back == null) {
            return null;
        }
        int count = front.length + back.length;
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < front.length; i++) {
            put(bytes, i, front[i]);
        }
        for (int i = 0; i < back.length; i++) {
            put(bytes, 8 - back.length + i, back[i]);
        }
        return bytes;
    }

    /**
     * The 16-bit groups of one side of {@code ::}; a dotted-quad may end the last side (two groups).
     *
     * @param last whether this side ends the address
     */
    private static int[] groups(String side, boolean last) {
        if (side.isEmpty()) {
            return new int[0];
        }
        String[] parts = side.split(":", -1);
        int[] groups = new int[parts.length + 1];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (last && i == parts.length - 1 && part.indexOf('.') >= 0) {
                byte[] v4 = ipv4(part);
                if (v4 == null) {
                    return null;
                }
                groups[n++] = (v4[0] & 0xFF) << 8 | (v4[1] & 0xFF);
                groups[n++] = (v4[2] & 0xFF) << 8 | (v4[3] & 0xFF);
                continue;
            }
            if (part.isEmpty() || part.length() > 4) {
                return null;
            }
            int value = 0;
            for (int j = 0; j < part.length(); j++) {
                int digit = hex(part.charAt(j));
                if (digit < 0) {
                    return null;
                }
                value = value << 4 | digit;
            }
            groups[n++] = value;
        }
        return Arrays.copyOf(groups, n);
    }

    /** An ASCII hex digit's value, else -1 (Character.digit would take other scripts' digits). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        char lower = (char) (c | 0x20);
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }

    private static void put(byte[] bytes, int group, int value) {
        bytes[group * 2] = (byte) (value >> 8);
        bytes[group * 2 + 1] = (byte) value;
    }

    /** An IPv4-mapped address ({@code ::ffff:a.b.c.d}) is the IPv4 address, as a peer's socket reports it. */
    private static byte[] unmapped(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return v6;
            }
        }
        if (v6[10] != (byte) 0xFF || v6[11] != (byte) 0xFF) {
            return v6;
        }
        return new byte[] {v6[12], v6[13], v6[14], v6[15]};
    }
}
