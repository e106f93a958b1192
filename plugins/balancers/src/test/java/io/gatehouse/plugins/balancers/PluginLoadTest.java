package io.gatehouse.plugins.balancers;

import io.gatehouse.api.testkit.PluginJar;
import io.gatehouse.core.builtin.RoundRobinBalancer.Factory;
import io.gatehouse.core.plugin.PluginHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loads this plugin from a JAR through the core's plugin host, as the gateway does at startup. */
class PluginLoadTest {

    private static final List<Class<?>> FACTORIES = List.of(RoundRobinFactory.class,
            WeightedRoundRobinFactory.class, ConsistentHashFactory.class, LeastRequestsFactory.class,
            P2cEwmaFactory.class);
    private static final List<Class<?>> SUPPORT = List.of(BalancerFactory.class, NoOptions.class,
            ConsistentHashConfig.class, P2cEwmaConfig.class, RoundRobinBalancer.class, WeightedRoundRobinBalancer.class,
            ConsistentHashBalancer.class, LeastRequestsBalancer.class, P2cEwmaBalancer.class,
            EndpointStates.class, PerListCache.class, HashRing.class, HashKey.class, Hash64.class);

    @Test
    void theFiveBalancersLoadAndReplaceTheBuiltinRoundRobin(@TempDir Path plugins) throws Exception {
        PluginJar.Builder jar = PluginJar.builder(plugins.resolve("gatehouse-plugin-balancers.jar"))
                .id("balancers").version("0.1.0").requires(">=1.0.0");
        FACTORIES.forEach(jar::extension);
        SUPPORT.forEach(jar::addClass);
        jar.write();

        List<Factory> builtins = List.of(new Factory());
        try (PluginHost host = PluginHost.start(plugins, builtins)) {
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
