package io.gatehouse.core.config;

import io.gatehouse.core.Gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Not a test: {@code bench/reload} in process, without its HTTP polling. Starts a gateway on the config
 * {@code bench/reload} writes, replaces the file (rename over it) with one route changed, lets the file watcher
 * reload it, and prints the medians of the gateway's own log line: live, parsed and checked, built. Run as
 * {@link ReloadTiming} says, with {@code io.gatehouse.core.config.GatewayReloadTiming [routes] [edits]}.
 */
public final class GatewayReloadTiming {
    private static final Pattern LINE = Pattern.compile(
            "live (\\d+) ms after the file was read \\(parsed and checked in (\\d+) ms, built in (\\d+) ms\\)");

    private GatewayReloadTiming() {
    }

    public static void main(String[] args) throws Exception {
        int routes = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int edits = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        LinkedBlockingQueue<long[]> reloads = new LinkedBlockingQueue<>();
        Logger logger = Logger.getLogger(Gateway.class.getName());
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                String text = java.text.MessageFormat.format(record.getMessage(),
                        record.getParameters() == null ? new Object[0] : record.getParameters());
                Matcher m = LINE.matcher(text);
                if (m.find()) {
                    reloads.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                            Long.parseLong(m.group(3))});
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        Path home = Files.createTempDirectory("gatehouse-reload-timing");
        Files.createDirectories(home.resolve("plugins"));
        Path file = home.resolve("gatehouse.yaml");
        String filler = BigConfig.filler(routes - 1);
        Files.writeString(file, BigConfig.text(0, filler));
        List<long[]> measured = new ArrayList<>();
        try (Gateway gateway = Gateway.start(home, file, Map.of())) {
            for (int edit = 1; edit <= edits; edit++) {
                Path next = home.resolve("next.yaml");
                Files.writeString(next, BigConfig.text(edit, filler));
                Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                long[] reload = reloads.poll(10, TimeUnit.SECONDS);
                if (reload == null) {
                    throw new IllegalStateException("edit " + edit + " not reloaded after 10 s");
                }
                if (edit > edits / 4) {
                    measured.add(reload); // the first quarter warms up
                }
                Thread.sleep(200);
                reloads.clear();
            }
        }
        System.out.printf("gateway reload of %d routes, %d edits after %d of warm-up, median (max) ms:%n", routes,
                measured.size(), edits - measured.size());
        String[] names = {"live after read", "parsed and checked", "built"};
        for (int i = 0; i < names.length; i++) {
            int column = i;
            long[] sorted = measured.stream().mapToLong(r -> r[column]).sorted().toArray();
            System.out.printf("  %-20s %5d (%d)%n", names[i], sorted[sorted.length / 2], sorted[sorted.length - 1]);
        }
    }
}
