package io.gatehouse.core;

import io.gatehouse.core.builtin.Builtins;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.generation.GenerationBuilder;
import io.gatehouse.core.plugin.PluginException;
import io.gatehouse.core.plugin.PluginHost;
import io.gatehouse.core.script.ScriptHost;
import io.gatehouse.core.server.DemoBackend;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/** The {@code gatehouse} command line: {@code run}, {@code check FILE}, {@code demo}, {@code hash-key}. */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, version = "Gatehouse 0.1.0",
        description = "A plugin-based API gateway for the JVM.",
        subcommands = {Main.Run.class, Main.Check.class, Main.Demo.class, Main.HashKey.class})
public final class Main {

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                    "%1$tF %1$tT.%1$tL %4$-7s %3$s - %5$s%6$s%n");
        }
        String[] effective = args.length == 0 ? new String[]{"run"} : args;
        System.exit(new CommandLine(new Main()).execute(effective));
    }

    /** The gateway home: {@code --home} if given, else {@code $gatehouse.home}, else the current folder. */
    static Path home(Path option) {
        String property = System.getProperty("gatehouse.home");
        Path home = option != null ? option : Path.of(property == null ? "." : property);
        return home.toAbsolutePath().normalize();
    }

    @Command(name = "run", description = "Start the gateway.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--home", description = "Gateway home (conf/, plugins/, scripts/). Default: $gatehouse.home or .")
        Path home;

        @Option(names = "--config", description = "Config file. Default: <home>/conf/gatehouse.yaml")
        Path config;

        @Override
        public Integer call() throws Exception {
            Path base = home(home);
            Path file = config == null ? base.resolve("conf/gatehouse.yaml") : config.toAbsolutePath();
            if (!Files.isRegularFile(file)) {
                System.err.println("gatehouse: config file " + file + " does not exist");
                return 2;
            }
            Gateway gateway;
            try {
                gateway = Gateway.start(base, file, System.getenv());
            } catch (ConfigException e) {
                System.err.println("gatehouse: " + file + " is invalid:");
                e.problems().forEach(p -> System.err.println("  " + p));
                return 1;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                gateway.close();
                stopped.countDown();
            }, "gatehouse-shutdown"));
            System.out.println("Gatehouse listening on http://localhost:" + gateway.port()
                    + (gateway.adminPort() >= 0 ? " (admin http://127.0.0.1:" + gateway.adminPort() + ")" : ""));
            System.out.flush();
            stopped.await();
            return 0;
        }
    }

    @Command(name = "check", description = "Validate a config file without starting anything: every problem of "
            + "every stage (YAML, keys, references, components, routes, scripts), each with its path.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The config file to check.")
        Path file;

        @Option(names = "--home", description = "Gateway home, for its plugins/ and scripts/. Default: $gatehouse.home or .")
        Path home;

        @Override
        public Integer call() {
            Path base = home(home);
            List<Problem> problems;
            try (PluginHost plugins = PluginHost.start(base.resolve("plugins"), Builtins.factories());
                 OnDemandScripts scripts = new OnDemandScripts(base.resolve("scripts"))) {
                plugins.registry().problemMessages().forEach(p -> System.err.println("warning: plugin refused: " + p));
                problems = new GenerationBuilder(plugins.registry(), base, scripts)
                        .check(ConfigLoader.read(file, System.getenv()));
            } catch (PluginException e) {
                problems = List.of(new Problem(base.resolve("plugins").toString(), e.getMessage()));
            }
            if (problems.isEmpty()) {
                System.out.println(file + ": OK");
                return 0;
            }
            problems.forEach(System.out::println);
            return 1;
        }
    }

    /** The script runtime for {@code check}, started only if the config names a script (it takes seconds). */
    private static final class OnDemandScripts implements Supplier<ScriptHost>, AutoCloseable {
        private final Path folder;
        private ScriptHost host;

        OnDemandScripts(Path folder) {
            this.folder = folder;
        }

        @Override
        public ScriptHost get() {
            if (host == null) {
                host = ScriptHost.start(folder);
            }
            return host;
        }

        @Override
        public void close() {
            if (host != null) {
                host.close();
            }
        }
    }

    @Command(name = "demo", description = "Run only the built-in echo backend.")
    static final class Demo implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "8081", description = "Port. Default: ${DEFAULT-VALUE}")
        int port;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address. Default: ${DEFAULT-VALUE}")
        String host;

        @Override
        public Integer call() throws InterruptedException {
            DemoBackend backend = DemoBackend.start(host, port);
            System.out.println("Demo backend listening on http://" + host + ":" + backend.port());
            System.out.flush();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                backend.close();
                stopped.countDown();
            }));
            stopped.await();
            return 0;
        }
    }

    @Command(name = "hash-key", description = {"Read an API key from stdin and print the hash to put in the config "
            + "(filter.api_key's keys[].hash): sha256:<hex>.",
            "One trailing newline is dropped, so `echo KEY | gatehouse hash-key` works. The key is never echoed."})
    static final class HashKey implements Callable<Integer> {
        /** Keys longer than this are refused: no one types a 64 KiB key, and stdin is read whole. */
        static final int MAX_KEY_BYTES = 64 * 1024;

        @Override
        public Integer call() throws java.io.IOException {
            byte[] input = System.in.readNBytes(MAX_KEY_BYTES + 3);
            String hash = hash(input);
            if (hash == null) {
                System.err.println("hash-key: expected one key (1 to " + MAX_KEY_BYTES
                        + " bytes, without line breaks) on stdin");
                return 2;
            }
            System.out.println(hash);
            return 0;
        }

        /**
         * @param input what stdin held
         * @return {@code sha256:} and the lower-case hex SHA-256 of the key (the input without one trailing
         *         {@code \n} or {@code \r\n}), or {@code null} when the input is not one key
         */
        static String hash(byte[] input) {
            int length = input.length;
            if (length > 0 && input[length - 1] == '\n') {
                length--;
                if (length > 0 && input[length - 1] == '\r') {
                    length--;
                }
            }
            if (length == 0 || length > MAX_KEY_BYTES) {
                return null;
            }
            for (int i = 0; i < length; i++) {
                if (input[i] == '\n' || input[i] == '\r') {
                    return null;
                }
            }
            try {
                java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
                sha256.update(input, 0, length);
                return "sha256:" + java.util.HexFormat.of().formatHex(sha256.digest());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }
    }
}
