package io.gatehouse.core.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The retry budget of docs/resilience.md under load: endpoints failing half their requests receive at most
 * (1 + ratio) × the requests (plus the minimum), where unbudgeted retries would send them ~1.5 × (a retry goes to
 * another endpoint, and there are two).
 */
class RetryBudgetIT {

    private static final int CLIENTS = 8;

    private final List<RawUpstream> upstreams = new ArrayList<>();
    private GatewayFixture gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstreams.forEach(RawUpstream::close);
    }

    private RawUpstream failingHalf() throws Exception {
        RawUpstream upstream = RawUpstream.start(request -> ThreadLocalRandom.current().nextBoolean()
                ? RawUpstream.Reply.of("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy")
                : RawUpstream.Reply.ok("found"));
        upstreams.add(upstream);
        return upstream;
    }

    /**
     * The documented example, with outlier ejection off: five failures in a row happen by chance at 50 %, and an
     * ejected endpoint would leave retries nowhere to go.
     */
    private static String example(RawUpstream a, RawUpstream b) throws Exception {
        return DocExample.yaml("docs/resilience.md", "retry-budget")
                .replace("http://127.0.0.1:8081", a.url()).replace("http://127.0.0.1:8082", b.url())
                .replace("    retries: 2\n", "    retries: 2\n    health: { passive: { consecutive_failures: 0 } }\n");
    }

    @Test
    void aBackendFailingHalfItsRequestsGetsAtMostTheBudgetOfRetries() throws Exception {
        RawUpstream a = failingHalf();
        RawUpstream b = failingHalf();
        gateway = GatewayFixture.start(example(a, b));

        long started = System.nanoTime();
        int requests = load(150);
        double seconds = (System.nanoTime() - started) / 1e9;
        int received = a.received().size() + b.received().size();
        System.out.printf("retry budget 0.2: %d client requests -> %d upstream requests (%.2fx) in %.1f s%n",
                requests, received, (double) received / requests, seconds);
        // min_retries_per_second: 1 over the 10 s window, for every window the run touched
        long minimum = 10L * (1 + (long) (seconds / 10));
        assertTrue(received <= 1.2 * requests + minimum, received + " upstream requests for " + requests
                + " client requests: more than the budget of 20 % (+" + minimum + ")");
        assertTrue(received >= 1.1 * requests, received + " upstream requests for " + requests
                + ": the budget was not used");

        JsonNode budget = EchoRoutes.JSON.readTree(gateway.admin("/upstreams").body()).get("upstreams").get(0)
                .get("retry_budget");
        assertTrue(budget.get("retries").asLong() <= budget.get("retries_allowed").asLong(), budget.toString());
    }

    @Test
    void withoutTheBudgetTheSameBackendGetsFarMore() throws Exception {
        RawUpstream a = failingHalf();
        RawUpstream b = failingHalf();
        gateway = GatewayFixture.start(example(a, b).replace("ratio: 0.2", "ratio: 10"));

        int requests = load(50);
        int received = a.received().size() + b.received().size();
        System.out.printf("no retry budget: %d client requests -> %d upstream requests (%.2fx)%n", requests,
                received, (double) received / requests);
        assertTrue(received >= 1.35 * requests, received + " upstream requests for " + requests
                + ": unbudgeted retries add ~50 %");
    }

    /** @return how many requests the clients sent, each answered 200, the upstream's 503 or 502 */
    private int load(int perClient) throws InterruptedException {
        AtomicInteger sent = new AtomicInteger();
        List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < perClient; i++) {
                    try {
                        HttpResponse<String> response = gateway.get("/search");
                        sent.incrementAndGet();
                        // 503: the upstream's own answer, when no retry was made; 502: every endpoint tried failed
                        if (response.statusCode() != 200 && response.statusCode() != 503
                                && response.statusCode() != 502) {
                            unexpected.add(response.statusCode() + " " + response.body());
                        }
                    } catch (Exception e) {
                        unexpected.add(e.toString());
                    }
                }
            }));
        }
        for (Thread client : clients) {
            client.join();
        }
        assertEquals(List.of(), unexpected);
        assertEquals(CLIENTS * perClient, sent.get());
        return sent.get();
    }
}
