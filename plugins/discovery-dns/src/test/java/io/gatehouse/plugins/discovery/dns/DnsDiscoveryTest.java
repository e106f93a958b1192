package io.gatehouse.plugins.discovery.dns;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.ServiceDiscovery;
import io.gatehouse.plugins.discovery.support.EndpointRecorder;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DnsDiscoveryTest {

    private final DnsDiscoveryFactory factory = new DnsDiscoveryFactory();

    @Test
    void resolvesLocalhostToLoopbackEndpointsOnThePort() throws Exception {
        DnsConfig config = new DnsConfig("localhost", 8081, null, null, 2);
        EndpointRecorder recorder = new EndpointRecorder();
        try (ServiceDiscovery discovery = factory.create(config, null);
             ServiceDiscovery.Subscription ignored = discovery.watch("users", recorder)) {
            List<Endpoint> endpoints = recorder.awaitLatest("localhost resolved", list -> !list.isEmpty());
            for (Endpoint endpoint : endpoints) {
                assertTrue(InetAddress.getByName(endpoint.host()).isLoopbackAddress(), endpoint.toString());
                assertEquals(8081, endpoint.port());
                assertEquals("http", endpoint.url().getScheme());
                assertEquals(2, endpoint.weight());
                assertEquals(Map.of("hostname", "localhost"), endpoint.metadata());
            }
            assertTrue(endpoints.stream().anyMatch(e -> e.host().equals("127.0.0.1")), endpoints.toString());
        }
    }

    @Test
    void aFailedLookupKeepsTheLastEndpointsAndALaterOneDeliversTheChange() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        InetAddress one = InetAddress.getByName("127.0.0.1");
        InetAddress two = InetAddress.getByName("127.0.0.2");
        DnsDiscovery.Resolver flaky = hostname -> switch (calls.incrementAndGet()) {
            case 1 -> new InetAddress[] {one};
            case 2, 3 -> throw new UnknownHostException(hostname + ": temporary failure");
            default -> new InetAddress[] {one, two};
        };
        DnsConfig config = new DnsConfig("users.internal", 9000, "https", Duration.ofMillis(10), null);
        EndpointRecorder recorder = new EndpointRecorder();
        try (DnsDiscovery discovery = new DnsDiscovery(config, System.getLogger("test"), flaky);
             ServiceDiscovery.Subscription ignored = discovery.watch("users", recorder)) {
            recorder.awaitUrls("https://127.0.0.1:9000", "https://127.0.0.2:9000");
        }
        List<List<Endpoint>> deliveries = recorder.deliveries();
        assertEquals(2, deliveries.size(), deliveries.toString());
        assertFalse(deliveries.stream().anyMatch(List::isEmpty), "a failure never delivers an empty list");
    }

    @Test
    void validationNamesEveryBadKey() {
        List<String> problems = new ArrayList<>();
        factory.validate(new DnsConfig(" ", 0, "ftp", Duration.ZERO, -1),
                (path, message) -> problems.add(path + ": " + message));
        assertEquals(List.of("hostname: must not be empty", "port: must be 1 to 65535, got 0",
                "scheme: must be http or https, got 'ftp'", "refresh: must be > 0, got PT0S",
                "weight: must be >= 0, got -1"), problems);
    }
}
