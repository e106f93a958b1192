package io.gatehouse.plugins.discovery.etcd;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.ServiceDiscovery;
import io.gatehouse.plugins.discovery.support.EndpointRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class EtcdDiscoveryIT {

    private static final String USERS = "/gatehouse/upstreams/users/";

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private EtcdServer etcd;

    @BeforeEach
    void startEtcd() throws Exception {
        etcd = EtcdServer.launch();
        cleanup.add(etcd);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : cleanup.reversed()) {
            closeable.close();
        }
    }

    private EndpointRecorder watch(EtcdConfig config, String upstream) {
        ServiceDiscovery discovery = new EtcdDiscoveryFactory().create(config, null);
        EndpointRecorder recorder = new EndpointRecorder();
        cleanup.add(discovery);
        cleanup.add(discovery.watch(upstream, recorder));
        return recorder;
    }

    private EtcdConfig config(String service, String prefix) {
        return new EtcdConfig(List.of(etcd.clientUrl()), service, prefix, null, null, Duration.ofMillis(20),
                Duration.ofMillis(500));
    }

    private static Endpoint only(List<Endpoint> endpoints, int port) {
        return endpoints.stream().filter(e -> e.port() == port).findFirst().orElseThrow();
    }

    @Test
    void addsRemovesAndReweightsEndpoints() throws Exception {
        etcd.put(USERS + "a", "{\"url\":\"http://127.0.0.1:8081\",\"weight\":2,\"metadata\":{\"zone\":\"a\"}}");
        etcd.put("/gatehouse/upstreams/users-admin/x", "{\"url\":\"http://127.0.0.1:9999\"}");   // another prefix
        EndpointRecorder users = watch(config(null, null), "users");

        List<Endpoint> first = users.awaitUrls("http://127.0.0.1:8081");
        assertEquals(new Endpoint(java.net.URI.create("http://127.0.0.1:8081"), 2, Map.of("zone", "a")),
                first.getFirst());

        etcd.put(USERS + "b", "{\"url\":\"http://127.0.0.1:8082\"}");
        assertEquals(1, only(users.awaitUrls("http://127.0.0.1:8081", "http://127.0.0.1:8082"), 8082).weight());

        etcd.put(USERS + "b", "{\"url\":\"http://127.0.0.1:8082\",\"weight\":7}");
        users.awaitLatest("b re-weighted to 7", list -> list.size() == 2 && only(list, 8082).weight() == 7);

        etcd.delete(USERS + "a");
        users.awaitUrls("http://127.0.0.1:8082");

        etcd.put(USERS + "broken", "not json");   // skipped with a warning, the others stay
        etcd.put(USERS + "c", "{\"url\":\"http://127.0.0.1:8083\"}");
        users.awaitUrls("http://127.0.0.1:8082", "http://127.0.0.1:8083");
    }

    @Test
    void theServiceKeyAndAPrefixChooseWhatIsWatched() throws Exception {
        etcd.put("/svc/accounts/1", "{\"url\":\"http://127.0.0.1:7001\"}");
        etcd.put("/gatehouse/upstreams/accounts/1", "{\"url\":\"http://127.0.0.1:7002\"}");

        watch(config(null, "/svc/accounts/"), "users").awaitUrls("http://127.0.0.1:7001");
        watch(config("accounts", null), "users").awaitUrls("http://127.0.0.1:7002");
    }

    @Test
    void keepsTheLastEndpointsWhileEtcdIsDownAndResumesAfterARestart() throws Exception {
        etcd.put(USERS + "a", "{\"url\":\"http://127.0.0.1:8081\"}");
        etcd.put(USERS + "b", "{\"url\":\"http://127.0.0.1:8082\"}");
        EndpointRecorder users = watch(config(null, null), "users");
        users.awaitUrls("http://127.0.0.1:8081", "http://127.0.0.1:8082");

        etcd.kill();
        Thread.sleep(1_000);   // let the watch break and retry a few times; nothing may be delivered meanwhile
        assertEquals(1, users.deliveries().size(), "the last endpoints stay: " + users.deliveries());

        etcd.start();
        etcd.delete(USERS + "a");
        etcd.put(USERS + "c", "{\"url\":\"http://127.0.0.1:8083\"}");
        users.awaitUrls("http://127.0.0.1:8082", "http://127.0.0.1:8083");
        assertFalse(users.deliveries().stream().anyMatch(List::isEmpty), users.deliveries().toString());
    }

    @Test
    void readsEverythingAgainWhenTheMissedRevisionsWereCompacted() throws Exception {
        etcd.put(USERS + "a", "{\"url\":\"http://127.0.0.1:8081\"}");
        PausableProxy proxy = new PausableProxy(etcd.clientPort());
        cleanup.add(proxy);
        EndpointRecorder users = watch(new EtcdConfig(List.of(proxy.url()), null, null, null, null,
                Duration.ofMillis(20), Duration.ofMillis(500)), "users");
        users.awaitUrls("http://127.0.0.1:8081");

        proxy.pause();   // the watch breaks; meanwhile history moves on and is compacted away
        etcd.put(USERS + "b", "{\"url\":\"http://127.0.0.1:8082\"}");
        etcd.delete(USERS + "a");
        etcd.put(USERS + "c", "{\"url\":\"http://127.0.0.1:8083\"}");
        etcd.delete(USERS + "c");
        etcd.compact();
        proxy.resume();

        users.awaitUrls("http://127.0.0.1:8082");
    }
}
