package io.gatehouse.plugins.auth.apikey;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;

/**
 * Checks passwords against bcrypt hashes, and remembers for a short while the user name and password pairs it
 * verified, so that a client sending the same credentials with every request pays for bcrypt (tens of milliseconds
 * of CPU at cost 10) once per {@code cache_ttl}, not per request.
 *
 * <p>The cache holds no password: its keys are HMAC-SHA256 digests, under a random key made for this object, of the
 * user name, the password and the stored hash. So a changed password hash misses the cache at once, and a memory
 * dump yields nothing to test guesses against offline faster than bcrypt. Only successes are remembered.
 *
 * <p>An unknown user costs a bcrypt comparison too ({@link #unknownUser}), against a hash of the cost most users
 * have, so the time of an answer does not tell which user names exist.
 *
 * <p>Passwords are compared as OpenBSD's bcrypt (and {@code htpasswd}) compare them: only their first 72 bytes count.
 */
final class PasswordCheck implements AutoCloseable {

    /** Like OpenBSD and htpasswd: a longer password is used up to bcrypt's 72 bytes, not refused. */
    private static final BCrypt.Verifyer BCRYPT = BCrypt.verifyer(null, LongPasswordStrategies.none());
    /** Hashes of a random password, by cost, for unknown users; made once per cost. */
    private static final Map<Integer, byte[]> DECOYS = new ConcurrentHashMap<>();

    private final Cache<String, Boolean> verified;
    private final SecretKeySpec cacheKey;
    private final BiPredicate<byte[], byte[]> bcrypt;

    /**
     * @param ttl      how long a verification is remembered; zero for not at all
     * @param size     how many are remembered at most; zero for none
     * @param nanoTime the clock the cache ages its entries by ({@code System::nanoTime})
     */
    PasswordCheck(Duration ttl, int size, LongSupplier nanoTime) {
        this(ttl, size, nanoTime, (password, hash) -> BCRYPT.verify(password, hash).verified);
    }

    /** With the bcrypt comparison given: tests count how often it runs. */
    PasswordCheck(Duration ttl, int size, LongSupplier nanoTime, BiPredicate<byte[], byte[]> bcrypt) {
        this.bcrypt = bcrypt;
        this.verified = ttl.isZero() || size == 0 ? null : Caffeine.newBuilder()
                .maximumSize(size)
                .expireAfterWrite(ttl)
                .ticker(nanoTime::getAsLong)
                .executor(Runnable::run)
                .build();
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.cacheKey = new SecretKeySpec(random, "HmacSHA256");
    }

    /**
     * @param passwordHash the user's bcrypt hash, as configured (ASCII)
     * @return whether {@code password} is the user's
     */
    boolean matches(String username, byte[] password, String passwordHash) {
        String key = verified == null ? null : fingerprint(username, password, passwordHash);
        if (key != null && verified.getIfPresent(key) != null) {
            return true;
        }
        boolean matches = bcrypt.test(password, passwordHash.getBytes(StandardCharsets.US_ASCII));
        if (matches && key != null) {
            verified.put(key, Boolean.TRUE);
        }
        return matches;
    }

    /** Spends the time {@link #matches} would for a user with a hash of this cost, and answers nothing. */
    void unknownUser(byte[] password, int cost) {
        bcrypt.test(password, decoy(cost));
    }

    /** Makes the decoy hash of a cost ahead of the first unknown user, whose answer would otherwise be slower. */
    static void prepareDecoy(int cost) {
        decoy(cost);
    }

    /** Forgets every verification: the users changed. */
    void forgetAll() {
        if (verified != null) {
            verified.invalidateAll();
        }
    }

    /** @return how many verifications are remembered; for tests */
    long remembered() {
        if (verified == null) {
            return 0;
        }
        verified.cleanUp();
        return verified.estimatedSize();
    }

    private static byte[] decoy(int cost) {
        return DECOYS.computeIfAbsent(cost, c -> {
            byte[] password = new byte[16];
            new SecureRandom().nextBytes(password);
            return BCrypt.with(BCrypt.Version.VERSION_2Y).hash(c, password);
        });
    }

    private String fingerprint(String username, byte[] password, String passwordHash) {
        byte[] name = username.getBytes(StandardCharsets.UTF_8);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(cacheKey);
            mac.update(ByteBuffer.allocate(8).putInt(name.length).putInt(password.length).array());
            mac.update(name);
            mac.update(password);
            mac.update(passwordHash.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    @Override
    public void close() {
        forgetAll();
    }
}
