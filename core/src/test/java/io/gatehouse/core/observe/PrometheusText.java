package io.gatehouse.core.observe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, written against its specification
 * (prometheus.io/docs/instrumenting/exposition_formats): the Prometheus Java client ships writers only (its 1.x
 * {@code prometheus-metrics-exposition-textformats} and 0.x {@code simpleclient_common} alike), so a test that wants
 * a scrape read by something other than the code that wrote it carries its own reader. Every line must parse: a
 * sample line, a {@code # HELP} or {@code # TYPE} line, another comment, or a blank line. Besides the grammar it
 * checks what a scraper relies on: one {@code TYPE} per metric family, before its samples; no sample twice;
 * histograms with cumulative {@code le} buckets ending in {@code +Inf} equal to {@code _count}.
 */
final class PrometheusText {

    /** One sample. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, String> types = new HashMap<>();

    private PrometheusText() {
    }

    /** @throws IllegalArgumentException naming the line that does not parse and why */
    static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        String[] lines = text.split("\n", -1);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the text does not end with a line feed");
        }
        for (int i = 0; i < lines.length; i++) {
            try {
                parsed.line(lines[i]);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + (i + 1) + " does not parse (" + e.getMessage() + "): "
                        + lines[i], e);
            }
        }
        parsed.checkHistograms();
        return parsed;
    }

    List<Sample> samples() {
        return samples;
    }

    /** @return the family's type from its {@code # TYPE} line, or null */
    String type(String family) {
        return types.get(family);
    }

    /** @return the samples of this name whose labels include all of {@code labels} (name, value pairs) */
    List<Sample> find(String name, String... labels) {
        List<Sample> found = new ArrayList<>();
        for (Sample sample : samples) {
            if (sample.name().equals(name) && matches(sample, labels)) {
                found.add(sample);
            }
        }
        return found;
    }

    /** @return the value of the one sample matching; fails when there is none or more than one */
    double value(String name, String... labels) {
        List<Sample> found = find(name, labels);
        if (found.size() != 1) {
            throw new AssertionError("expected one sample " + name + " " + List.of(labels) + ", found " + found);
        }
        return found.getFirst().value();
    }

    private static boolean matches(Sample sample, String... labels) {
        for (int i = 0; i < labels.length; i += 2) {
            if (!labels[i + 1].equals(sample.labels().get(labels[i]))) {
                return false;
            }
        }
        return true;
    }

    private void line(String line) {
        if (line.isEmpty()) {
            return;
        }
        if (line.startsWith("#")) {
            comment(line);
            return;
        }
        Cursor c = new Cursor(line);
        String name = c.name(true);
        Map<String, String> labels = new TreeMap<>();
        if (c.peek() == '{') {
            c.next();
            while (c.peek() != '}') {
                String label = c.name(false);
                c.expect('=');
                c.expect('"');
                String value = c.quoted();
                if (labels.put(label, value) != null) {
                    throw new IllegalArgumentException("label " + label + " twice");
                }
                if (c.peek() == ',') {
                    c.next();
                } else if (c.peek() != '}') {
                    throw new IllegalArgumentException("expected , or } at " + c.pos);
                }
            }
            c.next();
        }
        c.expect(' ');
        String[] rest = c.rest().split(" ", -1);
        if (rest.length > 2) {
            throw new IllegalArgumentException("too many fields after the labels");
        }
        double value = number(rest[0]);
        if (rest.length == 2) {
            Long.parseLong(rest[1]); // a timestamp in milliseconds
        }
        String family = family(name);
        if (!types.containsKey(family) && !types.containsKey(name)) {
            throw new IllegalArgumentException("sample of " + name + " before (or without) its # TYPE line");
        }
        for (Sample sample : samples) {
            if (sample.name().equals(name) && sample.labels().equals(labels)) {
                throw new IllegalArgumentException("sample " + name + labels + " twice");
            }
        }
        samples.add(new Sample(name, labels, value));
    }

    private void comment(String line) {
        if (line.startsWith("# HELP ")) {
            new Cursor(line.substring(7)).name(true);
        } else if (line.startsWith("# TYPE ")) {
            String[] parts = line.substring(7).split(" ", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("# TYPE needs a name and a type");
            }
            new Cursor(parts[0]).name(true);
            if (!List.of("counter", "gauge", "histogram", "summary", "untyped").contains(parts[1])) {
                throw new IllegalArgumentException("unknown type " + parts[1]);
            }
            if (types.put(parts[0], parts[1]) != null) {
                throw new IllegalArgumentException("a second # TYPE for " + parts[0]);
            }
            for (Sample sample : samples) {
                if (family(sample.name()).equals(parts[0])) {
                    throw new IllegalArgumentException("# TYPE for " + parts[0] + " after its samples");
                }
            }
        }
    }

    /** The family a sample belongs to: its name, or without the suffix a histogram or summary adds. */
    private String family(String name) {
        for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String type = types.get(base);
                if ("histogram".equals(type) || "summary".equals(type)) {
                    return base;
                }
            }
        }
        return name;
    }

    private void checkHistograms() {
        types.forEach((family, type) -> {
            if (!type.equals("histogram")) {
                return;
            }
            Map<Map<String, String>, List<Sample>> series = new LinkedHashMap<>();
            for (Sample sample : find(family + "_bucket")) {
                Map<String, String> others = new TreeMap<>(sample.labels());
                if (others.remove("le") == null) {
                    throw new IllegalArgumentException(family + "_bucket without le: " + sample);
                }
                series.computeIfAbsent(others, k -> new ArrayList<>()).add(sample);
            }
            series.forEach((labels, buckets) -> {
                double previousBound = Double.NEGATIVE_INFINITY;
                double previousCount = 0;
                for (Sample bucket : buckets) {
                    double bound = number(bucket.labels().get("le"));
                    if (bound <= previousBound || bucket.value() < previousCount) {
                        throw new IllegalArgumentException(family + labels + ": buckets not cumulative in order");
                    }
                    previousBound = bound;
                    previousCount = bucket.value();
                }
                if (previousBound != Double.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException(family + labels + ": no +Inf bucket");
                }
                String[] pairs = labels.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(),
                        e.getValue())).toArray(String[]::new);
                List<Sample> count = find(family + "_count", pairs).stream()
                        .filter(s -> s.labels().equals(labels)).toList();
                if (count.size() != 1 || count.getFirst().value() != previousCount) {
                    throw new IllegalArgumentException(family + labels + ": _count is not the +Inf bucket");
                }
            });
        });
    }

    static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                if (!text.matches("[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?")) {
                    throw new IllegalArgumentException("not a number: '" + text + "'");
                }
                yield Double.parseDouble(text);
            }
        };
    }

    /** Reads a line left to right. */
    private static final class Cursor {
        private final String text;
        private int pos;

        Cursor(String text) {
            this.text = text;
        }

        char peek() {
            if (pos >= text.length()) {
                throw new IllegalArgumentException("unexpected end of line");
            }
            return text.charAt(pos);
        }

        void next() {
            pos++;
        }

        void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + pos);
            }
            pos++;
        }

        String name(boolean metric) {
            int start = pos;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || metric && c == ':';
                if (!(letter || pos > start && c >= '0' && c <= '9')) {
                    break;
                }
                pos++;
            }
            if (pos == start) {
                throw new IllegalArgumentException("expected a name at " + start);
            }
            return text.substring(start, pos);
        }

        String quoted() {
            StringBuilder value = new StringBuilder();
            while (true) {
                char c = peek();
                pos++;
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\') {
                    char escaped = peek();
                    pos++;
                    switch (escaped) {
                        case '\\' -> value.append('\\');
                        case '"' -> value.append('"');
                        case 'n' -> value.append('\n');
                        default -> throw new IllegalArgumentException("bad escape \\" + escaped);
                    }
                } else if (c == '\n') {
                    throw new IllegalArgumentException("line feed in a label value");
                } else {
                    value.append(c);
                }
            }
        }

        String rest() {
            return text.substring(pos);
        }
    }
}
