package io.gatehouse.plugins.balancers;

/**
 * A fast 64-bit string hash: FNV-1a over the UTF-16 code units, finished with MurmurHash3's 64-bit finaliser
 * ({@code fmix64}), which gives FNV's weak high bits full avalanche. Stable across JVMs and releases, unlike
 * {@link String#hashCode()}'s 32 bits, which would be too few for a ring.
 */
final class Hash64 {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Hash64() {
    }

    /**
     * @param text the text
     * @return its 64-bit hash
     */
    static long of(CharSequence text) {
        long hash = FNV_OFFSET;
        for (int i = 0; i < text.length(); i++) {
            hash = (hash ^ text.charAt(i)) * FNV_PRIME;
        }
        return mix(hash);
    }

    /**
     * MurmurHash3's {@code fmix64}: a bijection on 64-bit values in which every input bit affects every output bit.
     *
     * @param value the value
     * @return the mixed value
     */
    static long mix(long value) {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
