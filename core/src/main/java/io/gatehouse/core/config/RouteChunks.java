package io.gatehouse.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A config text cut, by its lines alone, into the block-sequence items of its top-level {@code routes:} block and
 * what comes before and after that block, so that {@link IncrementalReader} can parse each piece alone. A line at
 * column 0 that is neither blank nor a comment starts a top-level key; inside {@code routes:} an item starts at a
 * line holding {@code -} followed by a space (or nothing) at the first item's indent, and blank and comment lines
 * go with the item they follow.
 *
 * <p>Only text whose lines say unambiguously where each piece ends is cut; for anything else {@link #of} gives
 * {@code null} and the text is read whole. Some ambiguity only shows when a piece is parsed (a quoted scalar or a
 * flow collection running over an item's end leaves a piece that does not parse alone), so the reader falls back
 * on that too.
 *
 * @param before the text of the top-level blocks before {@code routes:} (ends with a line break, or is empty)
 * @param items  each item of {@code routes:}, from its {@code -} line to the next item's
 * @param after  the text of the top-level blocks after {@code routes:}
 */
record RouteChunks(String before, List<String> items, String after) {

    /** @return the pieces, or {@code null} when the text is not cut (see the class comment) */
    static RouteChunks of(String text) {
        if (!plainLines(text)) {
            return null;
        }
        int routesStart = -1;
        int routesEnd = -1;
        int itemIndent = -1;
        List<Integer> starts = new ArrayList<>();
        boolean inRoutes = false;
        for (int start = 0; start < text.length(); ) {
            int end = text.indexOf('\n', start);
            end = end < 0 ? text.length() : end;
            int indent = start;
            while (indent < end && text.charAt(indent) == ' ') {
                indent++;
            }
            boolean blank = indent == end || text.charAt(indent) == '#';
            indent -= start;
            if (indent == 0 && !blank && (text.startsWith("---", start) || text.startsWith("...", start)
                    || text.charAt(start) == '%')) {
                return null; // a document marker or a directive: one document of plain lines only
            }
            int next = end + 1;
            if (inRoutes && !blank) {
                boolean item = isItem(text, start + indent, end);
                if (indent == 0 && !(itemIndent <= 0 && item)) {
                    inRoutes = false;
                    routesEnd = start;
                } else if (itemIndent < 0 || indent == itemIndent) {
                    if (!item) {
                        return null; // not an item where one must start
                    }
                    itemIndent = indent;
                    starts.add(start);
                } else if (indent < itemIndent) {
                    return null;
                }
            }
            if (!inRoutes && indent == 0 && !blank && isRoutesKey(text, start, end)) {
                if (routesStart >= 0) {
                    return null; // two routes keys: the full parse reports the duplicate
                }
                routesStart = start;
                inRoutes = true;
            }
            start = next;
        }
        if (routesStart < 0 || starts.isEmpty()) {
            return null;
        }
        if (inRoutes) {
            routesEnd = text.length();
        }
        List<String> items = new ArrayList<>(starts.size());
        for (int i = 0; i < starts.size(); i++) {
            items.add(text.substring(starts.get(i), i + 1 < starts.size() ? starts.get(i + 1) : routesEnd));
        }
        return new RouteChunks(text.substring(0, routesStart), items, text.substring(routesEnd));
    }

    /**
     * @return whether every line break is a {@code \n} and no indent can hold a tab (no tab, no other YAML line
     *         break, no byte order mark anywhere)
     */
    private static boolean plainLines(String text) {
        for (char c : new char[] {'\t', '\r', '\u0085', '\u2028', '\u2029', '\uFEFF'}) {
            if (text.indexOf(c) >= 0) { // one vectorised pass each beats one loop over the chars
                return false;
            }
        }
        return true;
    }

    /** @return whether {@code [at, end)} starts a block-sequence item: {@code -} then a space or the line's end */
    private static boolean isItem(String text, int at, int end) {
        return at < end && text.charAt(at) == '-' && (at + 1 == end || text.charAt(at + 1) == ' ');
    }

    /** @return whether the line is {@code routes:}, maybe followed by spaces and a comment: a block value follows */
    private static boolean isRoutesKey(String text, int start, int end) {
        if (!text.startsWith("routes:", start)) {
            return false;
        }
        int at = start + "routes:".length();
        if (at == end) {
            return true;
        }
        if (text.charAt(at) != ' ') {
            return false;
        }
        while (at < end && text.charAt(at) == ' ') {
            at++;
        }
        return at == end || text.charAt(at) == '#';
    }
}
