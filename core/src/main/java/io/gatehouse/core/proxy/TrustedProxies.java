package io.gatehouse.core.proxy;

import java.util.ArrayList;
import java.util.List;

/**
 * The addresses whose {@code X-Forwarded-*} and {@code Forwarded} headers are believed: IP literals and CIDR
 * blocks. Anything else that a client sends in those headers is replaced, never passed on.
 */
public final class TrustedProxies {

    private static final TrustedProxies NONE = new TrustedProxies(List.of());
    private final List<Block> blocks;

    private TrustedProxies(List<Block> blocks) {
        this.blocks = blocks;
    }

    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * Parses entries like {@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code ::1}.
     *
     * @throws IllegalArgumentException naming the entry that is not an IP literal or CIDR block
     */
    public static TrustedProxies of(List<String> entries) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : entries) {
            blocks.add(Block.parse(entry));
        }
        return new TrustedProxies(List.copyOf(blocks));
    }

    /** Whether an address (an IP literal) is a trusted proxy. */
    public boolean trusts(String address) {
        if (blocks.isEmpty() || address == null || address.isEmpty()) {
            return false;
        }
        byte[] bytes = literal(address);
        if (bytes == null) {
            return false;
        }
        for (Block block : blocks) {
            if (block.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The bytes of an IP literal, or null when it is not one. Parsed here, never by {@link java.net.InetAddress},
     * which looks up as a host name whatever it cannot read as an address ({@code 999.1.1.1}, {@code g::1}): these
     * values come from clients, and a DNS query on the request path would be theirs to trigger.
     *
     * @param address dotted-quad IPv4 (no leading zeros), or IPv6 as in RFC 4291 section 2.2, in brackets or not,
     *                with a zone ({@code %eth0}) that is ignored; an IPv4-mapped IPv6 address is its IPv4 address
     */
    static byte[] literal(String address) {
        return IpLiteral.parse(address);
    }

    private record Block(byte[] network, int prefix) {
        static Block parse(String entry) {
            String text = entry.trim();
            int slash = text.indexOf('/');
            byte[] address = literal(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR block");
            }
            int prefix = address.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > address.length * 8) {
                    throw new IllegalArgumentException("'" + entry + "' has an invalid prefix length");
                }
            }
            return new Block(address, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
