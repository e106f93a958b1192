package io.gatehouse.core.testing;

import io.gatehouse.core.Gateway;

import java.util.List;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * What each reload of a discovery test changes.
     *
     * @param upstreamChanges whether the upstream's own section changes (then it is rebuilt, and the reload waits
     *                        for its first endpoints) or only a route (then the upstream is carried over)
     */
    public record Edit(String desc, boolean upstreamChanges) {
        @Override
        public String toString() {
            return desc;
        }

        public static List<Edit> both() {
            return List.of(new Edit("an unrelated route edit", false), new Edit("a change of the upstream", true));
        }
    }

    private ReloadsUnderLoad() {
    }

    /**
     * Ten reloads under load, reload {@code n} writing {@code config.apply(n)}: asserts that no request failed.
     * Before them, the first generation must already serve {@code path}: it waited for its endpoints.
     */
    public static void assertNoRequestFails(GatewayFixture gateway, String path, IntFunction<String> config)
            throws Exception {
        assertEquals(200, gateway.get(path).statusCode(), "the first generation waited for its endpoints");
        ClientLoop load = run(gateway, path, 10, config);
        assertEquals(List.of(), load.failures(), "failed requests during the reloads");
        assertTrue(load.ok() > 10, "the clients ran: " + load.ok());
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
