package io.gatehouse.plugins.access;

/**
 * A CIDR block, {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a single address is the block of its full length
 * ({@code /32}, {@code /128}). An IPv4-mapped IPv6 block of at least 96 bits ({@code ::ffff:10.0.0.0/104}) is the
 * IPv4 block it maps ({@code 10.0.0.0/8}), the way {@link IpAddress#parseClient} reads a mapped client address.
 *
 * @param network the block's first address (no bits set after the prefix)
 * @param prefix  the number of leading bits that must match, 0 to 32 or 0 to 128
 */
record IpBlock(IpAddress network, int prefix) {

    /**
     * Reads a block from config.
     *
     * @param text an IP literal, optionally with {@code /prefix}
     * @return the block
     * @throws IllegalArgumentException saying what is wrong with it, for a config problem
     */
    static IpBlock parse(String text) {
        int slash = text.indexOf('/');
        String literal = slash < 0 ? text : text.substring(0, slash);
        IpAddress address = IpAddress.parse(literal);
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block: expected IPv4 like "
                    + "10.0.0.0/8 or 192.0.2.7, or IPv6 like 2001:db8::/32 or ::1 (host names are not looked up, "
                    + "and IPv4 parts take no leading zeros)");
        }
        int prefix = address.bits();
        if (slash >= 0) {
            prefix = prefixLength(text.substring(slash + 1), address.bits(), text);
        }
        long[] host = hostBits(address, prefix);
        if (host[0] != 0 || host[1] != 0) {
            IpAddress network = new IpAddress(address.v6(), address.high() & ~host[0], address.low() & ~host[1]);
            throw new IllegalArgumentException("'" + text + "' has address bits set after the /" + prefix
                    + " prefix: write " + network + "/" + prefix + " for the block, or " + literal
                    + " alone for the one address");
        }
        if (address.isMappedNetwork() && prefix >= 96) {
            return new IpBlock(address.unmapped(), prefix - 96);
        }
        return new IpBlock(address, prefix);
    }

    private static int prefixLength(String digits, int bits, String text) {
        boolean decimal = !digits.isEmpty() && digits.length() <= 3 && digits.chars().allMatch(c -> c >= '0' && c <= '9');
        int prefix = decimal ? Integer.parseInt(digits) : -1;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("'" + text + "' has an invalid prefix length: an " + (bits == 32 ? "IPv4"
                    : "IPv6") + " prefix is 0 to " + bits);
        }
        return prefix;
    }

    /** @return the bits of {@code address} after the first {@code prefix} bits, as {high, low} */
    private static long[] hostBits(IpAddress address, int prefix) {
        int bits = address.bits();
        long high = 0;
        long low;
        if (bits == 32) {
            low = address.low() & (prefix == 0 ? 0xFFFF_FFFFL : (1L << (32 - prefix)) - 1);
        } else if (prefix >= 64) {
            low = address.low() & (prefix == 128 ? 0 : -1L >>> (prefix - 64));
        } else {
            high = address.high() & (prefix == 0 ? -1L : -1L >>> prefix);
            low = address.low();
        }
        return new long[] {high, low};
    }

    /**
     * @param address a client address (already unmapped, see {@link IpAddress#parseClient})
     * @return whether it lies in this block; an address of the other family never does
     */
    boolean contains(IpAddress address) {
        if (address.v6() != network.v6()) {
            return false;
        }
        long[] outside = hostBits(address, prefix);
        return (address.high() & ~outside[0]) == network.high() && (address.low() & ~outside[1]) == network.low();
    }

    @Override
    public String toString() {
        return network + "/" + prefix;
    }
}
