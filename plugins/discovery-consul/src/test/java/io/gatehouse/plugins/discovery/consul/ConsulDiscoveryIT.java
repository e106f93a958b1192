package io.gatehouse.plugins.discovery.consul;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.ServiceDiscovery;
import io.gatehouse.plugins.discovery.consul.ConsulApiEmulator.Instance;
import io.gatehouse.plugins.discovery.consul.ConsulApiEmulator.Query;
import io.gatehouse.plugins.discovery.support.EndpointRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsulDiscoveryIT {

    private final ConsulDiscoveryFactory factory = new ConsulDiscoveryFactory();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : cleanup.reversed()) {
            closeable.close();
        }
    }

    private ConsulApiEmulator emulator(String datacenter, String token) throws Exception {
        ConsulApiEmulator emulator = new ConsulApiEmulator(datacenter, token).start();
        cleanup.add(emulator);
        return emulator;
    }

    private EndpointRecorder watch(ConsulConfig config, String upstream) throws Exception {
        ServiceDiscovery discovery = factory.create(config, null);
        EndpointRecorder recorder = new EndpointRecorder();
        cleanup.add(discovery);
        cleanup.add(discovery.watch(upstream, recorder));
        return recorder;
    }

    private static ConsulConfig config(String address, Duration wait) {
        return new ConsulConfig(address, null, null, null, null, null, wait, null, Duration.ofMillis(10),
                Duration.ofMillis(200));
    }

    @Test
    void aBlockingQueryReturnsWhenMembershipChanges() throws Exception {
        ConsulApiEmulator consul = emulator("dc1", null);
        consul.register("users", Instance.of("a", 8081));
        // A wait far beyond the test's deadline: only a blocking query that returns on change can pass.
        EndpointRecorder users = watch(config(consul.address(), Duration.ofMinutes(10)), "users");
        users.awaitUrls("http://127.0.0.1:8081");

        consul.register("users", Instance.of("b", 8082));
        users.awaitUrls("http://127.0.0.1:8081", "http://127.0.0.1:8082");
        consul.deregister("users", "a");
        users.awaitUrls("http://127.0.0.1:8082");

        List<Query> queries = consul.queries();
        assertFalse(queries.getFirst().params().containsKey("index"), "the first query does not block");
        assertTrue(queries.stream().skip(1).allMatch(q -> q.params().get("wait").equals("600000ms")
                && Long.parseLong(q.params().get("index")) > 0), queries.toString());
        assertEquals("true", queries.getFirst().params().get("passing"));
        assertEquals(3, users.deliveries().size(), users.deliveries().toString());
    }

    @Test
    void honoursServiceTagDatacenterTokenWeightsAndMeta() throws Exception {
        ConsulApiEmulator consul = emulator("eu-west", "s3cr3t");
        consul.register("user-svc", Instance.of("v2-a", 9001).withTags("v2", "blue").withWeight(5)
                .withMeta(Map.of("zone", "eu-west-1a", "rack", "r1"), Map.of("version", "2.3", "rack", "r9")));
        consul.register("user-svc", Instance.of("v2-b", 9002).withTags("v2").withAddress("127.0.0.2"));
        consul.register("user-svc", Instance.of("v1", 9003).withTags("v1"));
        consul.register("user-svc", Instance.of("v2-sick", 9004).withTags("v2").failing());
        consul.register("users", Instance.of("other", 9005).withTags("v2"));

        ConsulConfig config = new ConsulConfig(consul.address(), "user-svc", "s3cr3t", "eu-west", "v2", "https",
                Duration.ofSeconds(30), null, null, null);
        EndpointRecorder users = watch(config, "users");

        List<Endpoint> endpoints = users.awaitUrls("https://127.0.0.1:9001", "https://127.0.0.2:9002");
        Endpoint a = endpoints.stream().filter(e -> e.port() == 9001).findFirst().orElseThrow();
        Endpoint b = endpoints.stream().filter(e -> e.port() == 9002).findFirst().orElseThrow();
        assertEquals(5, a.weight());
        assertEquals(Map.of("zone", "eu-west-1a", "rack", "r9", "version", "2.3"), a.metadata(),
                "node meta, then service meta over it");
        assertEquals(1, b.weight());
        Query first = consul.queries().getFirst();
        assertEquals("s3cr3t", first.token());
        assertEquals("eu-west", first.params().get("dc"));
        assertEquals("/v1/health/service/user-svc", first.path());
    }

    record Refusal(String desc, String token, String datacenter, int status) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Refusal> refusals() {
        return Stream.of(
                new Refusal("no token", null, null, 403),
                new Refusal("wrong token", "guess", null, 403),
                new Refusal("unknown datacenter", "s3cr3t", "mars", 500));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void anErrorAnswerDeliversNothingAndIsRetried(Refusal refusal) throws Exception {
        ConsulApiEmulator consul = emulator("dc1", "s3cr3t");
        consul.register("users", Instance.of("a", 8081));
        ConsulConfig config = new ConsulConfig(consul.address(), null, refusal.token(), refusal.datacenter(), null,
                null, null, null, Duration.ofMillis(10), Duration.ofMillis(50));
        EndpointRecorder users = watch(config, "users");

        awaitQueries(consul, 3);

        assertTrue(consul.queries().stream().allMatch(q -> q.status() == refusal.status()), consul.queries().toString());
        assertEquals(List.of(), users.deliveries());
    }

    @Test
    void keepsTheLastEndpointsWhileConsulIsDownAndResumesAfterARestartWithALowerIndex() throws Exception {
        ConsulApiEmulator consul = emulator("dc1", null);
        consul.register("users", Instance.of("a", 8081));
        consul.register("users", Instance.of("b", 8082));
        EndpointRecorder users = watch(config(consul.address(), Duration.ofSeconds(1)), "users");
        users.awaitUrls("http://127.0.0.1:8081", "http://127.0.0.1:8082");
        awaitQueries(consul, 2);   // a blocking query is in progress

        consul.stop();
        consul.deregister("users", "a");
        Thread.sleep(1_000);       // let it fail and retry a few times; nothing may be delivered meanwhile
        assertEquals(1, users.deliveries().size(), "the last endpoints stay: " + users.deliveries());

        int before = consul.queries().size();
        consul.restart();
        users.awaitUrls("http://127.0.0.1:8082");
        assertFalse(users.deliveries().stream().anyMatch(List::isEmpty), users.deliveries().toString());
        // the answer that delivered these endpoints carried a lower index; the query after it starts over from 0
        awaitQuery(consul, before, q -> !q.params().containsKey("index"),
                "an index that went backwards starts over from 0");
    }

    @Test
    void validationNamesEveryBadKey() {
        List<String> problems = new ArrayList<>();
        factory.validate(new ConsulConfig("consul:8500", "", null, null, " ", "tcp", Duration.ofMinutes(11),
                        null, Duration.ofSeconds(2), Duration.ofSeconds(1)),
                (path, message) -> problems.add(path));
        assertEquals(List.of("address", "service", "tag", "scheme", "wait_time", "backoff_max"), problems);
    }

    @Test
    void defaults() {
        ConsulConfig config = new ConsulConfig(null, null, null, null, null, null, null, null, null, null);
        assertEquals(URI.create("http://127.0.0.1:8500"), URI.create(config.address()));
        assertEquals(Duration.ofSeconds(30), config.waitTime());
        assertEquals(Duration.ofMillis(100), config.backoffInitial());
        assertEquals(Duration.ofSeconds(30), config.backoffMax());
        List<String> problems = new ArrayList<>();
        factory.validate(config, (path, message) -> problems.add(path + ": " + message));
        assertEquals(List.of(), problems);
    }

    private static void awaitQuery(ConsulApiEmulator consul, int from, java.util.function.Predicate<Query> wanted,
                                   String what) throws InterruptedException {
        long deadline = System.nanoTime() + EndpointRecorder.DEADLINE.toNanos();
        while (true) {
            List<Query> seen = consul.queries();
            if (seen.subList(from, seen.size()).stream().anyMatch(wanted)) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, what + ": " + seen.subList(from, seen.size()));
            Thread.sleep(10);
        }
    }

    private static void awaitQueries(ConsulApiEmulator consul, int count) throws InterruptedException {
        long deadline = System.nanoTime() + EndpointRecorder.DEADLINE.toNanos();
        while (consul.queries().size() < count) {
            assertTrue(System.nanoTime() < deadline, "the emulator saw only " + consul.queries());
            Thread.sleep(10);
        }
    }
}
