package io.gatehouse.plugins.auth.apikey;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The stored form of an API key: {@code sha256:} followed by the 64 hex digits of the SHA-256 of the key's bytes,
 * exactly what {@code bin/gatehouse hash-key} prints. A leaked config or key file gives away no key.
 */
final class KeyHash {

    static final String PREFIX = "sha256:";
    private static final int HEX_DIGITS = 64;

    private KeyHash() {
    }

    /**
     * @param text a hash as configured; the hex digits in either case
     * @return the 32 bytes, or {@code null} when {@code text} is not of the form {@code sha256:<64 hex digits>}
     */
    static byte[] parse(String text) {
        if (text == null || !text.startsWith(PREFIX) || text.length() != PREFIX.length() + HEX_DIGITS) {
            return null;
        }
        String hex = text.substring(PREFIX.length());
        for (int i = 0; i < hex.length(); i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) {
                return null;
            }
        }
        return HexFormat.of().parseHex(hex);
    }

    /** @return the SHA-256 of a presented key's bytes */
    static byte[] of(byte[] key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** @return the lookup form of a hash: its lower-case hex */
    static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }
}
