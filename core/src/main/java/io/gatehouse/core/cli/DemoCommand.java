package io.gatehouse.core.cli;

import io.gatehouse.core.server.DemoBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code gatehouse demo}: only the built-in echo backend, for trying routes and for benchmarks. */
@Command(name = "demo", description = "Run only the built-in echo backend.")
final class DemoCommand implements Callable<Integer> {

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
        return GatehouseCommand.OK;
    }
}
