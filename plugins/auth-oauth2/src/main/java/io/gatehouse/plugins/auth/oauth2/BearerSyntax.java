package io.gatehouse.plugins.auth.oauth2;

/**
 * The character rules of RFC 6750 that this filter relies on: a bearer token ({@code b64token}) and the
 * characters allowed inside a quoted challenge parameter such as {@code scope} ({@code NQSCHAR}).
 */
final class BearerSyntax {

    private BearerSyntax() {
    }

    /**
     * @param token the credentials after {@code Bearer }
     * @return whether it is a {@code b64token}: {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}
     */
    static boolean isToken(String token) {
        int i = 0;
        while (i < token.length() && isTokenChar(token.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < token.length() && token.charAt(i) == '=') {
            i++;
        }
        return i == token.length();
    }

    /**
     * @param scope a scope name
     * @return whether it is one RFC 6749 scope token: {@code 1*( %x21 / %x23-5B / %x5D-7E )}, so it can be listed
     *         in a challenge's {@code scope="..."} as it is
     */
    static boolean isScope(String scope) {
        if (scope.isEmpty()) {
            return false;
        }
        for (int i = 0; i < scope.length(); i++) {
            char c = scope.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /**
     * @param text a realm
     * @return whether it can stand in a quoted string as it is: printable ASCII or space, no {@code "} or {@code \}
     */
    static boolean isQuotable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static boolean isTokenChar(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }
}
