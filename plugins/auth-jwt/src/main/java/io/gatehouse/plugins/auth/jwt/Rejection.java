package io.gatehouse.plugins.auth.jwt;

/**
 * Why a request's token is refused. The status and RFC 6750 error go to the client, with the description in our own
 * words (in {@code error_description} and the problem's {@code detail}); the detail goes to the log only. None of
 * them ever holds the token, a key or a library's exception text.
 */
final class Rejection extends Exception {

    private static final long serialVersionUID = 1L;

    /** The reasons, each with what the client is told. */
    enum Reason {
        MALFORMED(401, "invalid_token", "The token is not a well-formed signed JWT (header.claims.signature, "
                + "each part base64url without padding)."),
        TOO_LARGE(401, "invalid_token", "The token is larger than " + TokenVerifier.MAX_TOKEN_CHARS
                + " characters."),
        NOT_CLAIMS(401, "invalid_token", "The token's payload is not a JSON object of claims."),
        UNSIGNED(401, "invalid_token", "Unsigned tokens (alg none) are never accepted."),
        ALGORITHM_NOT_ALLOWED(401, "invalid_token", "The token's signing algorithm is not accepted on this route."),
        CRITICAL_EXTENSION(401, "invalid_token", "The token requires a header extension (crit) that is not "
                + "supported."),
        EMBEDDED_KEY(401, "invalid_token", "The token names its own key (jwk, jku, x5u or x5c); only the keys "
                + "configured for this route are used."),
        UNKNOWN_KEY(401, "invalid_token", "The token is signed with a key this route does not know."),
        AMBIGUOUS_KEY(401, "invalid_token", "The token names no key (kid) and more than one key could check it."),
        BAD_SIGNATURE(401, "invalid_token", "The token's signature is not valid."),
        KEYS_UNAVAILABLE(503, "jwks_unavailable", "The keys to check tokens with could not be fetched yet; "
                + "try again shortly."),
        EXPIRED(401, "invalid_token", "The token has expired."),
        NOT_YET_VALID(401, "invalid_token", "The token is not valid yet (nbf)."),
        ISSUED_IN_FUTURE(401, "invalid_token", "The token's issue time (iat) is in the future."),
        BAD_TIME_CLAIM(401, "invalid_token", "The token's exp, nbf or iat claim is not a number."),
        MISSING_CLAIM(401, "invalid_token", "The token lacks a claim this route requires."),
        CLAIM_MISMATCH(401, "invalid_token", "A claim of the token does not have the value this route requires."),
        WRONG_ISSUER(401, "invalid_token", "The token was issued by an issuer this route does not accept."),
        WRONG_AUDIENCE(401, "invalid_token", "The token is not meant for this audience."),
        NO_CONSUMER(401, "invalid_token", "The token names no usable consumer (subject)."),
        INSUFFICIENT_SCOPE(403, "insufficient_scope", "The token lacks a scope this route requires."),
        EMPTY(401, "invalid_token", "The bearer token is empty."),
        TWO_TOKENS(400, "invalid_request", "The request carries more than one token.");

        private final int status;
        private final String error;
        private final String description;

        Reason(int status, String error, String description) {
            this.status = status;
            this.error = error;
            this.description = description;
        }

        int status() {
            return status;
        }

        /** @return the RFC 6750 error code, also the problem's {@code code} */
        String error() {
            return error;
        }

        /** @return what the client is told; never holds a double quote or a backslash */
        String description() {
            return description;
        }

        /** @return the reason as the log says it, e.g. {@code not_yet_valid} */
        String logName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Reason reason;
    private final String detail;

    /**
     * @param reason the reason
     * @param detail for the log only, or {@code null}: a safe detail such as the claim's name or the token's
     *               {@code kid} (already {@linkplain #printable(String) made printable})
     */
    Rejection(Reason reason, String detail) {
        super(reason.name(), null, false, false);
        this.reason = reason;
        this.detail = detail;
    }

    Rejection(Reason reason) {
        this(reason, null);
    }

    Reason reason() {
        return reason;
    }

    /** @return the reason and its detail, as the log line says them */
    String logText() {
        return detail == null ? reason.logName() : reason.logName() + ": " + detail;
    }

    /**
     * A value from a token (a {@code kid}, an {@code alg}) made safe for a log line: at most 64 characters, anything
     * outside printable ASCII replaced by {@code ?}.
     */
    static String printable(String value) {
        if (value == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), 64) + 2).append('\'');
        for (int i = 0; i < value.length() && i < 64; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.append(value.length() > 64 ? "...'" : "'").toString();
    }
}
