package io.gatehouse.plugins.auth.jwt;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the public key of {@code public_key_file}: a PEM {@code PUBLIC KEY} (SubjectPublicKeyInfo, RSA or EC) or
 * {@code CERTIFICATE} (X.509; its key is used, the certificate itself is not checked). Error messages name the file
 * and what to do, never its content.
 */
final class PemKeyFile {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

    /** A public key or certificate in PEM is a few KiB; a chain of them well under this. */
    private static final int MAX_BYTES = 1024 * 1024;

    private PemKeyFile() {
    }

    /**
     * @throws IllegalArgumentException if the file cannot be read or holds no usable public key
     */
    static PublicKey read(Path file) {
        String text;
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            // a device (/dev/zero) or a fifo would be read forever
            throw new IllegalArgumentException("public_key_file " + file + " is not a regular file");
        }
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IllegalArgumentException("public_key_file " + file + " is larger than " + MAX_BYTES
                        + " bytes: not a public key");
            }
            text = new String(bytes, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("public_key_file " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        Matcher block = BLOCK.matcher(text);
        if (!block.find()) {
            throw new IllegalArgumentException("public_key_file " + file + " holds no PEM block "
                    + "(-----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE-----)");
        }
        String type = block.group(1);
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(block.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("public_key_file " + file + ": the PEM block is not valid base64");
        }
        try {
            return switch (type) {
                case "PUBLIC KEY" -> publicKey(der);
                case "CERTIFICATE" -> CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
                case "RSA PUBLIC KEY" -> throw new IllegalArgumentException("public_key_file " + file
                        + " holds a PKCS#1 RSA PUBLIC KEY; convert it to a PUBLIC KEY with "
                        + "'openssl rsa -RSAPublicKey_in -in FILE -pubout'");
                default -> throw new IllegalArgumentException("public_key_file " + file + " holds a " + type
                        + (type.contains("PRIVATE") ? ", not a public key: give the public key only" : "")
                        + "; expected a PUBLIC KEY or a CERTIFICATE");
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("public_key_file " + file + ": the " + type + " cannot be read");
        }
    }

    private static PublicKey publicKey(byte[] der) throws GeneralSecurityException {
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePublic(spec);
        }
    }
}
