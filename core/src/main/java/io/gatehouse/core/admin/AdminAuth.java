package io.gatehouse.core.admin;

import io.gatehouse.core.config.AdminConfig;
import io.gatehouse.core.config.AdminConfig.AdminToken.Access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;

/**
 * Who is calling the admin API, from its {@code Authorization: Bearer} header. Tokens are kept as SHA-256 digests
 * and compared with {@link MessageDigest#isEqual} (constant time for equal lengths, and digests are always 32
 * bytes, so neither a token's length nor its prefix leaks); every token is compared, whether one matched already or
 * not, so the time taken does not say which one did. With no token configured the API is open (allowed on
 * loopback only): every caller is {@code -} with read-write access.
 */
public final class AdminAuth {

    /** The caller of an open admin API. */
    public static final Caller ANONYMOUS = new Caller("-", Access.READ_WRITE);

    private final List<Entry> tokens;

    /** @param tokens the configured tokens ({@link AdminConfig#allTokens()}) */
    public AdminAuth(List<AdminConfig.AdminToken> tokens) {
        this.tokens = tokens.stream()
                .map(t -> new Entry(new Caller(t.name(), t.access()), digest(t.token())))
                .toList();
    }

    /** @return whether no token is configured (every request is allowed) */
    public boolean open() {
        return tokens.isEmpty();
    }

    /**
     * @param authorization the {@code Authorization} header, or {@code null}
     * @return the caller whose token it carries, {@link #ANONYMOUS} when the API is open, or {@code null} when the
     * header carries no configured token
     */
    public Caller authenticate(String authorization) {
        if (open()) {
            return ANONYMOUS;
        }
        String given = bearer(authorization);
        byte[] digest = digest(given == null ? "" : given);
        Caller found = null;
        for (Entry entry : tokens) {
            boolean match = MessageDigest.isEqual(digest, entry.digest());
            if (match && found == null && given != null) {
                found = entry.caller();
            }
        }
        return found;
    }

    /** @return the token of a {@code Bearer} credential (scheme case-insensitive), or {@code null} */
    static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 7
                || !authorization.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        String token = authorization.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private static byte[] digest(String token) {
        return ConfigText.digest(token.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A caller of the admin API.
     *
     * @param name   the token's name, {@code -} when the API is open
     * @param access what it may do
     */
    public record Caller(String name, Access access) {

        /** @return whether it may change the config */
        public boolean mayWrite() {
            return access == Access.READ_WRITE;
        }
    }

    private record Entry(Caller caller, byte[] digest) {
    }
}
