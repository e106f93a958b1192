package io.gatehouse.plugins.balancers;

import io.gatehouse.core.builtin.RoundRobinBalancer.Factory;
import io.gatehouse.core.plugin.PluginHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loads the JAR this build packaged (the one the distribution ships) through the core's plugin host, as the gateway
 * does at startup: its manifest, its {@code META-INF/extensions.idx} and its classes are the real ones.
 */
class PluginLoadIT {

    @Test
    void theFiveBalancersLoadAndReplaceTheBuiltinRoundRobin(@TempDir Path plugins) throws Exception {
        Path jar = Path.of(System.getProperty("gatehouse.plugin.jar"));
        assertTrue(Files.isRegularFile(jar), "no packaged plugin at " + jar + "; run `mvn verify`");
        Files.copy(jar, plugins.resolve(jar.getFileName()));

        try (PluginHost host = PluginHost.start(plugins, List.of(new Factory()))) {
            assertEquals(List.of(), host.registry().problems());
            Set<String> ids = Set.copyOf(host.registry().ids());
            for (String id : List.of("lb.round_robin", "lb.weighted_round_robin", "lb.consistent_hash",
                    "lb.least_requests", "lb.p2c_ewma")) {
                assertTrue(ids.contains(id), id + " missing from " + ids);
                assertTrue(host.registry().origin(id).orElseThrow().startsWith("plugin 'balancers'"),
                        id + " comes from " + host.registry().origin(id));
            }
        }
    }
}
