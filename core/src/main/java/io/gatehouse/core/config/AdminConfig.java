package io.gatehouse.core.config;

import io.gatehouse.api.Required;

import java.util.ArrayList;
import java.util.List;

/**
 * The admin listener.
 *
 * @param host     the address to bind; default {@code 127.0.0.1}. A non-loopback address requires a token
 * @param port     the port; default 9080 ({@code 0} picks a free one, {@code -1} disables the admin listener)
 * @param token    one read-write bearer token, named {@code admin}; default none. Kept for configs written before
 *                 {@code tokens}; both may be given
 * @param tokens   named bearer tokens, each read-only or read-write; default none. With no token at all the admin
 *                 API is open, which is allowed on a loopback address only
 * @param auditLog where the audit log goes: a file relative to the gateway home, {@code -} for stdout, or
 *                 {@code off}; default ({@code null}) {@code logs/audit.log}, or stdout when that file cannot be
 *                 opened (a file named here must open, or the gateway does not start)
 */
public record AdminConfig(String host, Integer port, String token, List<AdminToken> tokens, String auditLog) {
    public AdminConfig {
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 9080 : port;
        tokens = tokens == null ? List.of() : tokens;
    }

    /** The admin listener with one optional read-write token and the default audit log. */
    public AdminConfig(String host, Integer port, String token) {
        this(host, port, token, null, null);
    }

    @Override
    public String toString() {
        return "AdminConfig[host=" + host + ", port=" + port + ", token=" + (token == null ? null : "<redacted>")
                + ", tokens=" + tokens + ", auditLog=" + auditLog + "]";
    }

    /** @return every configured token: {@code token} as {@code admin} (read-write) first, then {@code tokens} */
    public List<AdminToken> allTokens() {
        List<AdminToken> all = new ArrayList<>();
        if (token != null) {
            all.add(new AdminToken("admin", token, AdminToken.Access.READ_WRITE));
        }
        all.addAll(tokens);
        return all;
    }

    /**
     * A named admin API token.
     *
     * @param name   who uses it, as written to the audit log; required, {@code [a-z0-9_-]}, unique
     * @param token  the bearer token; required, at least 24 characters, not a well-known default
     * @param access {@code read_only} or {@code read_write}; default {@code read_only}
     */
    public record AdminToken(@Required String name, @Required String token, Access access) {
        public AdminToken {
            access = access == null ? Access.READ_ONLY : access;
        }

        @Override
        public String toString() {
            return "AdminToken[name=" + name + ", access=" + access + "]"; // never the token
        }

        /** What a token may do. */
        public enum Access {
            /** reads only: {@code GET} */
            READ_ONLY,
            /** reads and writes */
            READ_WRITE
        }
    }
}
