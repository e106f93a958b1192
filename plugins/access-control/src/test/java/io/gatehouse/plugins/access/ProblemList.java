package io.gatehouse.plugins.access;

import io.gatehouse.api.Problems;

import java.util.ArrayList;
import java.util.List;

/** Collects the problems a factory's {@code validate} reports, as {@code "path: message"} lines. */
final class ProblemList implements Problems {

    private final List<String> lines = new ArrayList<>();

    @Override
    public void add(String path, String message) {
        lines.add(path + ": " + message);
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    /** @return the paths reported, in order */
    List<String> paths() {
        return lines.stream().map(line -> line.substring(0, line.indexOf(": "))).toList();
    }
}
