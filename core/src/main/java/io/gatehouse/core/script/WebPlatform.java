package io.gatehouse.core.script;

import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The JDK half of the web-standard globals ({@code crypto}, {@code crypto.subtle}) that web.js installs. Scripts
 * never see this object: web.js keeps it in its closure and hands it only ArrayBuffers (with an offset and a
 * length) and algorithm names it has checked. Every method takes and gives bytes through those buffers, so no
 * Java array or object reaches a script. Stateless and thread-safe: one instance serves every Context.
 */
public final class WebPlatform {

    static final WebPlatform INSTANCE = new WebPlatform();
    /** {@code crypto.getRandomValues} fills at most this many bytes at once, as the Web Crypto API says. */
    static final int RANDOM_LIMIT = 65_536;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebPlatform() {
    }

    @HostAccess.Export
    public String randomUUID() {
        return UUID.randomUUID().toString();
    }

    /** Fills {@code length} bytes of {@code buffer} from {@code offset} with cryptographically strong random bytes. */
    @HostAccess.Export
    public void randomFill(Value buffer, int offset, int length) {
        if (length > RANDOM_LIMIT) {
            throw new IllegalArgumentException("getRandomValues: at most " + RANDOM_LIMIT + " bytes, got " + length);
        }
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        write(bytes, buffer, offset);
    }

    /** Writes the {@code algorithm} digest of the data into {@code out} (sized by the caller). */
    @HostAccess.Export
    public void digest(String algorithm, Value data, int offset, int length, Value out) {
        write(messageDigest(algorithm).digest(read(data, offset, length)), out, 0);
    }

    /** Writes the HMAC of the data with {@code hash} ({@code SHA-256}, ...) and the key into {@code out}. */
    @HostAccess.Export
    public void hmac(String hash, Value key, Value data, int offset, int length, Value out) {
        write(mac(hash, key).doFinal(read(data, offset, length)), out, 0);
    }

    /** @return whether {@code signature} is the HMAC of the data, compared in constant time */
    @HostAccess.Export
    public boolean hmacVerify(String hash, Value key, Value data, int offset, int length, Value signature,
                              int signatureOffset, int signatureLength) {
        byte[] expected = mac(hash, key).doFinal(read(data, offset, length));
        return MessageDigest.isEqual(expected, read(signature, signatureOffset, signatureLength));
    }

    /** @return whether both byte ranges are equal; the time taken depends on their lengths only */
    @HostAccess.Export
    public boolean equal(Value a, int aOffset, int aLength, Value b, int bOffset, int bLength) {
        return MessageDigest.isEqual(read(a, aOffset, aLength), read(b, bOffset, bLength));
    }

    private static MessageDigest messageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unsupported digest " + algorithm);
        }
    }

    private static Mac mac(String hash, Value key) {
        String name = "Hmac" + hash.replace("-", "");
        try {
            Mac mac = Mac.getInstance(name);
            byte[] bytes = read(key, 0, Math.toIntExact(key.getBufferSize()));
            // the JCE refuses an empty key; HMAC itself pads it with zeros like any short key
            mac.init(new SecretKeySpec(bytes.length == 0 ? new byte[1] : bytes, name));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unsupported HMAC hash " + hash);
        }
    }

    private static byte[] read(Value buffer, int offset, int length) {
        byte[] bytes = new byte[length];
        buffer.readBuffer(offset, bytes, 0, length);
        return bytes;
    }

    private static void write(byte[] bytes, Value buffer, int offset) {
        for (int i = 0; i < bytes.length; i++) {
            buffer.writeBufferByte(offset + i, bytes[i]);
        }
    }
}
