package io.gatehouse.core.cli;

import io.gatehouse.core.Gateway;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.server.CannotListenException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code gatehouse run}: start the gateway and serve until SIGTERM / Ctrl-C. */
@Command(name = "run", description = "Start the gateway; it serves until SIGTERM or Ctrl-C.",
        footer = {"", "Exit codes: 0 stopped, 1 the config is invalid or missing (its problems on stderr) or a "
                + "listener cannot bind its port, 2 usage error."})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--home", paramLabel = "DIR", description = Home.OPTION_HELP)
    Path home;

    @Option(names = "--config", paramLabel = "FILE", description = "Config file. Default: <home>/conf/gatehouse.yaml")
    Path config;

    @Override
    public Integer call() throws Exception {
        Path base = Home.resolve(home);
        Path file = config == null ? base.resolve("conf/gatehouse.yaml") : config.toAbsolutePath();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(file)) {
            err.println(file + ": file not found");
            err.flush();
            return GatehouseCommand.PROBLEMS;
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(base, file, System.getenv());
        } catch (ConfigException e) {
            err.println("gatehouse: " + file + " is invalid:");
            e.problems().forEach(err::println);
            err.flush();
            return GatehouseCommand.PROBLEMS;
        } catch (CannotListenException e) {
            err.println("gatehouse: " + e.getMessage());
            err.flush();
            return GatehouseCommand.PROBLEMS;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            gateway.shutdown();
            stopped.countDown();
        };
        StopSignals.install(stop);
        // any other way the JVM ends (SIGHUP, SIGTERM where signals cannot be handled): drain in the hook
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "gatehouse-shutdown"));
        System.out.println("Gatehouse listening on " + (gateway.secure() ? "https" : "http")
                + "://localhost:" + gateway.port()
                + (gateway.adminPort() >= 0 ? " (admin http://127.0.0.1:" + gateway.adminPort() + ")" : ""));
        System.out.flush();
        stopped.await();
        return GatehouseCommand.OK;
    }
}
