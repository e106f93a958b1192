package io.gatehouse.core.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What can be known about a script from its text before running it: the upstreams it and the modules it imports
 * fetch by literal name ({@code upstreams.fetch('users', ...)}). A name computed at run time is checked when the
 * fetch runs.
 */
final class ScriptSource {

    private static final Pattern FETCH = Pattern.compile("upstreams\\s*\\.\\s*fetch\\(\\s*(['\"`])([^'\"`$\\\\]+)\\1");

    /** A literal {@code upstreams.fetch('name'} and where it is (a file under scripts/, 1-based line and column). */
    record Fetch(String file, String upstream, int line, int column) {
    }

    private ScriptSource() {
    }

    /** @return the literal fetches of every module of {@code graph}, the script's own first */
    static List<Fetch> fetches(String script, Map<String, String> graph) {
        List<Fetch> all = new ArrayList<>(fetches(script, graph.get(script)));
        graph.keySet().stream().filter(name -> !name.equals(script)).sorted()
                .forEach(name -> all.addAll(fetches(name, graph.get(name))));
        return List.copyOf(all);
    }

    static List<Fetch> fetches(String file, String text) {
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
            fetches.add(new Fetch(file, m.group(2), line, at - lineStart + 1));
        }
        return List.copyOf(fetches);
    }
}
