package io.gatehouse.core.testing.plugins;

import io.gatehouse.api.testkit.PluginJar;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the core tests' plugin ({@code lb.counting}, {@code filter.drop_response}, {@code filter.test_auth}, admin endpoints) into a
 * gateway home.
 */
public final class FaultPlugins {

    private FaultPlugins() {
    }

    /** @return a new gateway home whose {@code plugins/} holds the plugin */
    public static Path home() throws java.io.IOException {
        Path home = Files.createTempDirectory("gatehouse-faults");
        PluginJar.builder(home.resolve("plugins/faults-1.0.0.jar"))
                .id("faults")
                .extension(CountingBalancerFactory.class)
                .extension(DropResponseFilterFactory.class)
                .extension(TestAuthFilterFactory.class)
                .extension(TestAdminEndpoints.Echo.class)
                .extension(TestAdminEndpoints.Squatter.class)
                .write();
        return home;
    }
}
