package io.gatehouse.core.config;

import io.gatehouse.core.admin.ConfigText;
import io.gatehouse.core.builtin.Builtins;
import io.gatehouse.core.generation.Generation;
import io.gatehouse.core.generation.GenerationBuilder;
import io.gatehouse.core.plugin.ComponentRegistry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Not a test: a timing harness for a reload of a big config, in process, printing (never asserting) the median of
 * each step after warm-up. The config is the one {@code bench/reload} writes (10 000 routes by default, exact paths,
 * parameters, wildcards, methods and hosts mixed), and each edit changes its first route, as there.
 * Run from {@code core/}: {@code mvn -pl core test-compile dependency:build-classpath -Dmdep.includeScope=test
 * -Dmdep.outputFile=/tmp/cp.txt}, then {@code java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt)
 * io.gatehouse.core.config.ReloadTiming [routes] [rounds]}.
 */
public final class ReloadTiming {

    private static final com.sun.management.ThreadMXBean ALLOCATED =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    private ReloadTiming() {
    }

    public static void main(String[] args) throws Exception {
        int routes = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        String filler = BigConfig.filler(routes - 1);
        GenerationBuilder builder = new GenerationBuilder(ComponentRegistry.of(Builtins.factories()),
                Path.of("."), () -> {
                    throw new IllegalStateException("no scripts here");
                });
        Map<String, String> env = Map.of();
        String[] names = {"digest", "yaml", "substitute", "bind", "validate", "full read", "incremental read",
                "build", "incremental reload", "first read (empty cache)"};
        long[][] times = new long[names.length][rounds];
        Generation serving = builder.build(ConfigLoader.read(BigConfig.text(0, filler), "gatehouse.yaml", env));
        IncrementalReader reader = new IncrementalReader();
        reader.read(BigConfig.text(0, filler), "gatehouse.yaml", env);
        long readBytes = 0;
        long buildBytes = 0;
        for (int warm = -10; warm < rounds; warm++) {
            String text = BigConfig.text(warm + 20, filler);
            long[] t = new long[names.length];
            long s = System.nanoTime();
            ConfigText.of(text);
            t[0] = System.nanoTime() - s;
            s = System.nanoTime();
            Object tree = ConfigLoader.parseYaml(text, "gatehouse.yaml").tree();
            t[1] = System.nanoTime() - s;
            s = System.nanoTime();
            List<Problem> problems = new ArrayList<>();
            Object substituted = EnvSubstitution.apply(tree, env, "", problems);
            t[2] = System.nanoTime() - s;
            s = System.nanoTime();
            GatewayConfig config = (GatewayConfig) new RecordBinder().bindPartial(substituted, GatewayConfig.class, "",
                    problems);
            t[3] = System.nanoTime() - s;
            s = System.nanoTime();
            ConfigValidator.validate(config);
            t[4] = System.nanoTime() - s;
            s = System.nanoTime();
            ConfigLoader.read(text, "gatehouse.yaml", env);
            t[5] = System.nanoTime() - s;
            s = System.nanoTime();
            long a0 = ALLOCATED.getCurrentThreadAllocatedBytes();
            LoadedConfig loaded = reader.read(text, "gatehouse.yaml", env);
            t[6] = System.nanoTime() - s;
            long a1 = ALLOCATED.getCurrentThreadAllocatedBytes();
            s = System.nanoTime();
            Generation next = builder.build(loaded);
            t[7] = System.nanoTime() - s;
            long a2 = ALLOCATED.getCurrentThreadAllocatedBytes();
            readBytes += a1 - a0;
            buildBytes += a2 - a1;
            serving.close();
            serving = next;
            t[8] = t[0] + t[6] + t[7];
            s = System.nanoTime();
            LoadedConfig cold = new IncrementalReader().read(text, "gatehouse.yaml", env);
            t[9] = System.nanoTime() - s;
            if (!cold.equals(loaded) || !loaded.equals(ConfigLoader.read(text, "gatehouse.yaml", env))) {
                throw new AssertionError("the incremental read differs from the full read");
            }
            if (warm >= 0) {
                for (int i = 0; i < names.length; i++) {
                    times[i][warm] = t[i];
                }
            }
        }
        serving.close();
        System.out.printf("allocated per round: incremental read %.1f MB, build %.1f MB%n",
                readBytes / (rounds + 10) / 1e6, buildBytes / (rounds + 10) / 1e6);
        System.out.printf("reload of %d routes, %d rounds after 10 of warm-up: median (min) ms%n", routes, rounds);
        for (int i = 0; i < names.length; i++) {
            long[] sorted = times[i].clone();
            Arrays.sort(sorted);
            System.out.printf("  %-20s %7.2f (%.2f)%n", names[i], sorted[rounds / 2] / 1e6, sorted[0] / 1e6);
        }
    }
}
