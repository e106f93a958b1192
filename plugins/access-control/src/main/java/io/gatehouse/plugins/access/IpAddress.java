package io.gatehouse.plugins.access;

import java.util.HexFormat;

/**
 * An IPv4 or IPv6 address read from its text without ever resolving a name. {@code InetAddress.getByName} looks up
 * as a host name whatever it cannot read as an address, and {@code InetAddress.ofLiteral} needs JDK 22 while the
 * gateway runs on 21; so the grammar is read here: dotted-quad IPv4 (each part 0 to 255 in decimal, no leading zero,
 * which some parsers read as octal) and IPv6 as in RFC 4291 section 2.2 (eight groups of one to four hex digits, at
 * most one {@code ::}, optionally ending in a dotted quad).
 *
 * <p>An IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1}) is its IPv4 address, so that an IPv6 spelling of a client
 * cannot slip past a rule written for IPv4.
 *
 * @param v6   whether this is an IPv6 address (then all 128 bits count), else IPv4 (the low 32 bits of {@code low})
 * @param high the upper 64 bits of an IPv6 address; 0 for IPv4
 * @param low  the lower 64 bits of an IPv6 address, or the IPv4 address
 */
record IpAddress(boolean v6, long high, long low) {

    /** @return the number of bits of this family: 32 or 128 */
    int bits() {
        return v6 ? 128 : 32;
    }

    /**
     * Reads an address as it appears in config, no brackets, no zone, and as written: an IPv4-mapped address stays
     * IPv6 here ({@link IpBlock} folds it with its prefix).
     *
     * @param text the address
     * @return the address, or {@code null} when {@code text} is not an IP literal
     */
    static IpAddress parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        return text.indexOf(':') >= 0 ? parseV6(text) : parseV4(text);
    }

    /**
     * Reads a client's address as the gateway reports it: also in brackets ({@code [::1]}) or with a zone
     * ({@code fe80::1%eth0}, the zone ignored); an IPv4-mapped address is its IPv4 address.
     *
     * @param text the address
     * @return the address, or {@code null} when {@code text} is not an IP literal
     */
    static IpAddress parseClient(String text) {
        if (text == null) {
            return null;
        }
        String bare = text;
        boolean bracketed = bare.length() > 2 && bare.charAt(0) == '[' && bare.charAt(bare.length() - 1) == ']';
        if (bracketed) {
            bare = bare.substring(1, bare.length() - 1);
        }
        int zone = bare.indexOf('%');
        if (zone >= 0) {
            bare = bare.substring(0, zone);
        }
        if ((bracketed || zone >= 0) && bare.indexOf(':') < 0) {
            return null;
        }
        IpAddress address = parse(bare);
        return address == null ? null : address.unmapped();
    }

    /** @return the IPv4 address an IPv4-mapped IPv6 address stands for, else this */
    IpAddress unmapped() {
        return isMappedNetwork() ? new IpAddress(false, 0, low & 0xFFFF_FFFFL) : this;
    }

    /** Whether this IPv6 address is IPv4-mapped ({@code ::ffff:0:0/96}), i.e. what {@link #unmapped} folds. */
    boolean isMappedNetwork() {
        return v6 && high == 0 && (low >>> 32) == 0xFFFFL;
    }

    private static IpAddress parseV4(String text) {
        long value = v4Bits(text);
        return value < 0 ? null : new IpAddress(false, 0, value);
    }

    /** @return the 32 bits of a dotted quad, or -1 */
    private static long v4Bits(String text) {
        long value = 0;
        int parts = 0;
        int i = 0;
        while (parts < 4) {
            int start = i;
            int part = 0;
            while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9' && i - start < 3) {
                part = part * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || part > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return -1;
            }
            value = value << 8 | part;
            parts++;
            if (parts < 4) {
                if (i >= text.length() || text.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
        }
        return i == text.length() ? value : -1;
    }

    private static IpAddress parseV6(String text) {
        String hex = text;
        if (text.indexOf('.') >= 0) {
            // a dotted quad may end the address: rewrite it as the two hex groups it stands for
            int colon = text.lastIndexOf(':');
            long v4 = v4Bits(text.substring(colon + 1));
            if (v4 < 0) {
                return null;
            }
            hex = text.substring(0, colon + 1) + Long.toHexString(v4 >>> 16) + ":" + Long.toHexString(v4 & 0xFFFF);
        }
        int gap = hex.indexOf("::");
        if (gap != hex.lastIndexOf("::")) {
            return null;
        }
        int[] head = hexGroups(gap < 0 ? hex : hex.substring(0, gap));
        int[] tail = gap < 0 ? new int[0] : hexGroups(hex.substring(gap + 2));
        if (head == null || tail == null || (gap < 0 ? head.length != 8 : head.length + tail.length > 7)) {
            return null;
        }
        int[] words = new int[8];
        System.arraycopy(head, 0, words, 0, head.length);
        System.arraycopy(tail, 0, words, 8 - tail.length, tail.length);
        long high = 0;
        long low = 0;
        for (int w = 0; w < 4; w++) {
            high = high << 16 | words[w];
            low = low << 16 | words[w + 4];
        }
        return new IpAddress(true, high, low);
    }

    /** @return the values of colon-separated groups of one to four ASCII hex digits, or {@code null} */
    private static int[] hexGroups(String text) {
        if (text.isEmpty()) {
            return new int[0];
        }
        String[] parts = text.split(":", -1);
        int[] values = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 4 || !part.chars().allMatch(HexFormat::isHexDigit)) {
                return null;
            }
            values[i] = Integer.parseInt(part, 16);
        }
        return values;
    }

    @Override
    public String toString() {
        if (!v6) {
            return (low >>> 24 & 0xFF) + "." + (low >>> 16 & 0xFF) + "." + (low >>> 8 & 0xFF) + "." + (low & 0xFF);
        }
        StringBuilder text = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            long word = g < 4 ? high : low;
            int shift = (3 - g % 4) * 16;
            text.append(g == 0 ? "" : ":").append(Long.toHexString(word >>> shift & 0xFFFF));
        }
        return text.toString();
    }
}
