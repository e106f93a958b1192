package io.gatehouse.core.testing;

import io.gatehouse.core.Gateway;

import java.util.List;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reloads a gateway again and again while four clients keep requesting one path, for "a reload costs no request"
 * tests. Each reload must be applied (no problems) before the next one is written.
 */
public final class ReloadsUnderLoad {

    /** What to check once reload {@code n} is serving. */
    @FunctionalInterface
    public interface AfterReload {
        void check(int n) throws Exception;
    }

    private ReloadsUnderLoad() {
    }

    /**
     * @param path    what the clients request; every answer but 200 is a failure
     * @param reloads how many reloads
     * @param config  the YAML of reload {@code n} (1 to {@code reloads})
     * @param after   what to check after each reload
     * @return the stopped client loop: its {@link ClientLoop#failures()} and {@link ClientLoop#ok()}
     */
    public static ClientLoop run(GatewayFixture gateway, String path, int reloads, IntFunction<String> config,
                                 AfterReload after) throws Exception {
        ClientLoop load = ClientLoop.start(4, () -> gateway.get(path));
        try {
            for (int n = 1; n <= reloads; n++) {
                Gateway.ReloadStatus status = gateway.reload(config.apply(n));
                assertEquals(List.of(), status.problems(), "reload " + n);
                after.check(n);
            }
        } finally {
            load.close();
        }
        return load;
    }

    /** {@link #run(GatewayFixture, String, int, IntFunction, AfterReload)} with nothing to check in between. */
    public static ClientLoop run(GatewayFixture gateway, String path, int reloads, IntFunction<String> config)
            throws Exception {
        return run(gateway, path, reloads, config, n -> {
        });
    }
}
