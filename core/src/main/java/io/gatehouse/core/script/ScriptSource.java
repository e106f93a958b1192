package io.gatehouse.core.script;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What can be known about a script from its text before running it: the upstreams it fetches by literal name
 * ({@code upstreams.fetch('users', ...)}). A name computed at run time is checked when the fetch runs.
 */
final class ScriptSource {

    private static final Pattern FETCH = Pattern.compile("upstreams\\s*\\.\\s*fetch\\(\\s*(['\"`])([^'\"`$\\\\]+)\\1");

    /** A literal {@code upstreams.fetch('name'} and where it is (1-based line and column). */
    record Fetch(String upstream, int line, int column) {
    }

    private ScriptSource() {
    }

    static List<Fetch> fetches(String text) {
        List<Fetch> fetches = new ArrayList<>();
        Matcher m = FETCH.matcher(text);
        while (m.find()) {
            int at = m.start(2);
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            fetches.add(new Fetch(m.group(2), line, at - lineStart + 1));
        }
        return List.copyOf(fetches);
    }
}
