package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.api.Problems;

import java.util.ArrayList;
import java.util.List;

/** Collects problems as {@code path: message} lines. */
final class RecordedProblems implements Problems {

    private final List<String> lines = new ArrayList<>();

    @Override
    public void add(String path, String message) {
        lines.add(path + ": " + message);
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    /** @return the paths of the problems, in order */
    List<String> paths() {
        return lines.stream().map(line -> line.substring(0, line.indexOf(": "))).toList();
    }
}
