package io.gatehouse.plugins.auth.jwt;

import io.gatehouse.api.Headers;
import io.gatehouse.api.QueryString;
import io.gatehouse.api.Request;
import io.gatehouse.plugins.auth.jwt.Rejection.Reason;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds a request's token: {@code Authorization: Bearer <token>} (the scheme in any case), and the configured cookie
 * and query parameter. Several places (or several headers, cookies, parameters) holding the same token count as one;
 * different ones make the request ambiguous (400). Also removes the token from where it was found, before the
 * upstream. Immutable.
 */
final class RequestTokens {

    private static final String AUTHORIZATION = "Authorization";
    private static final String COOKIE = "Cookie";
    private static final String BEARER = "Bearer";

    private final String cookie;
    private final String queryParam;

    /**
     * @param cookie     the cookie's name, or {@code null}
     * @param queryParam the query parameter's name, or {@code null}
     */
    RequestTokens(String cookie, String queryParam) {
        this.cookie = cookie;
        this.queryParam = queryParam;
    }

    /**
     * @return the token, or {@code null} when the request carries none
     * @throws Rejection {@code two_tokens} for different tokens, {@code empty} for an empty one
     */
    String find(Request request) throws Rejection {
        Found found = new Found();
        for (String value : request.headers().all(AUTHORIZATION)) {
            String token = bearer(value);
            if (token != null) {
                found.add(token);
            }
        }
        if (cookie != null) {
            for (String value : request.headers().all(COOKIE)) {
                for (String[] pair : cookies(value)) {
                    if (pair[0].equals(cookie)) {
                        found.add(unquote(pair[1]));
                    }
                }
            }
        }
        if (queryParam != null) {
            for (String value : QueryString.all(request.rawQuery(), queryParam)) {
                found.add(value);
            }
        }
        if (found.size() > 1) {
            throw new Rejection(Reason.TWO_TOKENS, found.size() + " different tokens");
        }
        if (found.size() == 0) {
            return null;
        }
        String token = found.first;
        if (token.isEmpty()) {
            throw new Rejection(Reason.EMPTY);
        }
        return token;
    }

    /** Removes the token from the request: every bearer {@code Authorization} value, the cookie, the parameter. */
    void remove(Request request) {
        Headers headers = request.headers();
        List<String> authorizations = headers.all(AUTHORIZATION);
        List<String> others = new ArrayList<>(0);
        for (String value : authorizations) {
            if (bearer(value) == null) {
                others.add(value);
            }
        }
        if (others.size() < authorizations.size()) {
            headers.remove(AUTHORIZATION);
            others.forEach(value -> headers.add(AUTHORIZATION, value));
        }
        if (cookie != null && headers.contains(COOKIE)) {
            List<String> kept = new ArrayList<>();
            for (String value : headers.all(COOKIE)) {
                for (String[] pair : cookies(value)) {
                    if (!pair[0].equals(cookie)) {
                        kept.add(pair[0] + "=" + pair[1]);
                    }
                }
            }
            headers.remove(COOKIE);
            if (!kept.isEmpty()) {
                headers.set(COOKIE, String.join("; ", kept));
            }
        }
        if (queryParam != null) {
            request.rawQuery(QueryString.remove(request.rawQuery(), queryParam));
        }
    }

    /** The different tokens a request carries, in order: no set for the usual one. */
    private static final class Found {
        private String first;
        private Set<String> all;

        void add(String token) {
            if (first == null) {
                first = token;
            } else if (all != null) {
                all.add(token);
            } else if (!first.equals(token)) {
                all = new LinkedHashSet<>();
                all.add(first);
                all.add(token);
            }
        }

        int size() {
            return first == null ? 0 : all == null ? 1 : all.size();
        }
    }

    /** @return the token of a {@code Bearer} credential (empty when there is none after the scheme), else null */
    private static String bearer(String authorization) {
        String value = authorization.strip();
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        if (!scheme.equalsIgnoreCase(BEARER)) {
            return null;
        }
        return space < 0 ? "" : value.substring(space + 1).strip();
    }

    /** @return the {@code name=value} pairs of a {@code Cookie} header, as sent */
    private static List<String[]> cookies(String header) {
        List<String[]> pairs = new ArrayList<>();
        for (String part : header.split(";")) {
            String pair = part.strip();
            int equals = pair.indexOf('=');
            if (equals > 0) {
                pairs.add(new String[]{pair.substring(0, equals).strip(), pair.substring(equals + 1).strip()});
            }
        }
        return pairs;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
