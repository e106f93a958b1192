package io.gatehouse.plugins.grpc;

/**
 * Where the first JSON value of a text ends. JsonFormat reads one value and ignores what follows it
 * ({@code {"a":1} junk}); the transcoder refuses such bodies, so it finds the value's end first. Only the value's
 * extent is checked here (strings and their escapes, nesting); its syntax is the parser's.
 */
final class JsonText {

    private static final int MAX_DEPTH = 100;

    private JsonText() {
    }

    /** @return the index just after the first JSON value, or {@code -1} when there is none or it is unterminated */
    static int valueEnd(String text) {
        int i = skipBlank(text, 0);
        if (i == text.length()) {
            return -1;
        }
        char first = text.charAt(i);
        if (first == '"') {
            return stringEnd(text, i);
        }
        if (first != '{' && first != '[') {
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            return i;
        }
        int depth = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                i = stringEnd(text, i);
                if (i < 0) {
                    return -1;
                }
                continue;
            }
            if (c == '{' || c == '[') {
                if (++depth > MAX_DEPTH) {
                    return -1;
                }
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    return i + 1;
                }
            }
            i++;
        }
        return -1;
    }

    private static int stringEnd(String text, int quote) {
        for (int i = quote + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1;
            }
        }
        return -1;
    }

    private static int skipBlank(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}
