package com.example.hello;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.ServiceDiscovery;
import io.gatehouse.api.testkit.TestConfig;
import io.gatehouse.api.testkit.TestPluginContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FileDiscoveryFactoryTest {

    @TempDir
    Path home;

    private final FileDiscoveryFactory factory = new FileDiscoveryFactory();

    @Test
    void thePathIsRequiredAndTheIntervalNotTooShort() {
        assertEquals(List.of("path: required"), TestConfig.bind(FileDiscoveryFactory.Config.class, Map.of()).problems());
        assertEquals(List.of("interval: must be at least 100ms, got 10ms"),
                TestConfig.check(factory, Map.of("path", "s.yaml", "interval", "10ms")).problems());
    }

    @Test
    void tellsTheListAtOnceAndAgainWhenTheFileChanges() throws Exception {
        Files.writeString(home.resolve("services.yaml"), """
                orders:
                  - { url: "http://10.0.0.5:8080", weight: 2 }
                  - { url: "http://10.0.0.6:8080" }
                """);
        FileDiscoveryFactory.Config config = TestConfig.bindYaml(FileDiscoveryFactory.Config.class,
                "{path: services.yaml, interval: 100ms}").orThrow();
        LinkedBlockingQueue<List<Endpoint>> lists = new LinkedBlockingQueue<>();
        try (ServiceDiscovery discovery = factory.create(config, TestPluginContext.of(factory.id(), config, home));
             ServiceDiscovery.Subscription watch = discovery.watch("orders", lists::add)) {
            assertEquals(List.of(new Endpoint(URI.create("http://10.0.0.5:8080"), 2, Map.of()),
                    Endpoint.of("http://10.0.0.6:8080")), lists.poll(5, TimeUnit.SECONDS));

            Files.writeString(home.resolve("services.yaml"), "orders: [ { url: \"http://10.0.0.7:8080\" } ]\n");
            assertEquals(List.of(Endpoint.of("http://10.0.0.7:8080")), lists.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aFileWithoutTheServiceListsNone() {
        assertEquals(List.of(), EndpointFile.parse("other: []", "orders"));
    }
}
