package io.gatehouse.core.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The text of a config file and its SHA-256 digest (hex), which names a version of the file in the audit log.
 *
 * @param text   the YAML text
 * @param digest its SHA-256, lower-case hex
 */
public record ConfigText(String text, String digest) {

    /** @return the text with its digest */
    public static ConfigText of(String text) {
        return new ConfigText(text, sha256(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** @return the SHA-256 of {@code bytes}, lower-case hex */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest(bytes));
    }

    static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
