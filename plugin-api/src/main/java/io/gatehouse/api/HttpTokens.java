package io.gatehouse.api;

/**
 * The HTTP token grammar (RFC 9110 §5.6.2), the one check of header names, methods and transfer codings used by
 * the core and by plugins: {@code token = 1*tchar}, {@code tchar} = visible ASCII except the delimiters
 * {@code "(),/:;<=>?@[\]{}}.
 *
 * @since 1.1.0
 */
public final class HttpTokens {

    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '!'; c < 127; c++) {
            TCHAR[c] = "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
        }
    }

    private HttpTokens() {
    }

    /**
     * @param c a character, or a byte as an unsigned value
     * @return whether it may appear in a token
     */
    public static boolean isTchar(int c) {
        return c >= 0 && c < 128 && TCHAR[c];
    }

    /**
     * @param text the text to check; {@code null} is not a token
     * @return whether it is a non-empty token (a valid header name, method, or transfer coding name)
     */
    public static boolean isToken(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!isTchar(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
