package io.gatehouse.bench.webclient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The markdown tables of bench/webclient/run: {@code Report bugs TARGET_DIR VERSION...} prints the bug checks from
 * each version's findings; {@code Report throughput RESULTS} the throughput rounds, from a file with one line per
 * run: {@code body round client version rps errors cpu_us}.
 */
public final class Report {

    private static final Map<String, String> CHECKS = Map.of(
            "1-hex-dump", "1. response buffers hex-dumped with TRACE off",
            "2-pool-race", "2. pool race: concurrent keep-alive GETs fail",
            "3-multi-write-upload", "3. body written in several writes loses Content-Length or bytes");

    record Run(int body, int round, String client, String version, double rps, long errors, double cpuMicros) {

        static Run parse(String line) {
            String[] f = line.trim().split("\\s+");
            return new Run(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2], f[3], Double.parseDouble(f[4]),
                    Long.parseLong(f[5]), Double.parseDouble(f[6]));
        }
    }

    private Report() {
    }

    public static void main(String[] args) throws IOException {
        switch (args[0]) {
            case "bugs" -> System.out.print(bugTable(Path.of(args[1]), List.of(args).subList(2, args.length)));
            case "throughput" -> System.out.print(throughputTable(Files.readAllLines(Path.of(args[1])).stream()
                    .filter(line -> !line.isBlank()).map(Run::parse).toList()));
            default -> throw new IllegalArgumentException("usage: Report bugs TARGET_DIR VERSION... | "
                    + "Report throughput RESULTS");
        }
    }

    static String bugTable(Path targetDir, List<String> versions) throws IOException {
        StringBuilder out = new StringBuilder("| check |");
        versions.forEach(v -> out.append(" Helidon ").append(v).append(" |"));
        out.append("\n|---|").append("---|".repeat(versions.size())).append('\n');
        for (String check : new TreeMap<>(CHECKS).keySet()) {
            out.append("| ").append(CHECKS.get(check)).append(" |");
            for (String version : versions) {
                Path file = targetDir.resolve("helidon-" + version).resolve("findings").resolve(check + ".txt");
                out.append(' ').append(Files.exists(file) ? finding(Files.readAllLines(file)) : "not run").append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** A check is present when any of its cases found it. */
    private static String finding(List<String> lines) {
        boolean present = lines.stream().anyMatch(l -> l.startsWith("present|"));
        String details = lines.stream().map(l -> l.substring(l.indexOf('|') + 1)).collect(Collectors.joining("<br>"));
        return (present ? "**present**: " : "absent: ") + details;
    }

    static String throughputTable(List<Run> runs) {
        StringBuilder out = new StringBuilder("| response body | client | Helidon | requests/s: median (range) "
                + "| ÷ own client, same Helidon and round | client JVM CPU µs per request | errors |\n"
                + "|---|---|---|---|---|---|---|\n");
        Map<String, List<Run>> groups = runs.stream().collect(Collectors.groupingBy(
                r -> String.format(Locale.ROOT, "%09d %s %s", r.body(), r.client().equals("own") ? "2" : "1",
                        r.version()), TreeMap::new, Collectors.toList()));
        groups.values().forEach(group -> {
            Run first = group.getFirst();
            List<Double> ratios = new ArrayList<>();
            for (Run run : group) {
                runs.stream().filter(o -> o.client().equals("own") && o.body() == run.body()
                                && o.round() == run.round() && o.version().equals(run.version()))
                        .findFirst().ifPresent(own -> ratios.add(run.rps() / own.rps()));
            }
            out.append(String.format(Locale.ROOT, "| %d B | %s | %s | %s | %s | %s | %d |%n", first.body(),
                    first.client().equals("own") ? "own (gatehouse-core)" : "Helidon WebClient", first.version(),
                    spread(group, Run::rps, "%.0f"), first.client().equals("own") ? "1" : spread(ratios, "%.2f"),
                    spread(group, Run::cpuMicros, "%.1f"), group.stream().mapToLong(Run::errors).sum()));
        });
        return out.toString();
    }

    private static String spread(List<Run> runs, ToDoubleFunction<Run> value, String format) {
        return spread(runs.stream().map(r -> value.applyAsDouble(r)).toList(), format);
    }

    /** "median (min–max)" */
    private static String spread(List<Double> values, String format) {
        if (values.isEmpty()) {
            return "–";
        }
        List<Double> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", median, sorted.getFirst(),
                sorted.getLast());
    }
}
