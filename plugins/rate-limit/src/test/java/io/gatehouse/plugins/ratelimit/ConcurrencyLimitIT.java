package io.gatehouse.plugins.ratelimit;

import io.gatehouse.core.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** End to end: the "concurrency" example of docs/rate-limiting.md, against an upstream whose body is slow. */
class ConcurrencyLimitIT {

    private static RawClient slow(RateGateway gateway) throws Exception {
        RawClient client = RawClient.connect(gateway.gateway.uri("/"));
        client.send("GET /reports/slow HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
        assertEquals(200, client.readHead().status(), "the head is sent, the body is not finished");
        return client;
    }

    private static void assertRefused(RateGateway gateway) throws Exception {
        int before = gateway.upstream.count();
        HttpResponse<String> refused = gateway.get("/reports/fast");
        assertEquals(429, refused.statusCode(), refused.body());
        assertProblem(refused, "concurrency_limited");
        assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(before, gateway.upstream.count(), "the upstream received nothing");
    }

    private static void awaitPassing(RateGateway gateway, String why) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (gateway.get("/reports/fast").statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, why);
            Thread.sleep(50);
        }
    }

    @Test
    void aSlotIsHeldUntilTheBodyWasSentWholeOrTheClientWentAway() throws Exception {
        try (RateGateway gateway = RateGateway.start(RateGateway.example("concurrency"))) {
            RawClient first = slow(gateway);
            RawClient second = slow(gateway);
            assertRefused(gateway);

            gateway.upstream.release();
            assertTrue(first.readUntilClose().contains("done"), "the first body was sent whole");
            assertTrue(second.readUntilClose().contains("done"), "the second body was sent whole");
            first.close();
            second.close();
            awaitPassing(gateway, "the slots were not given back after the bodies were sent");

            // two clients that go away mid-body: their slots come back once the gateway notices
            RawClient third = slow(gateway);
            RawClient fourth = slow(gateway);
            assertRefused(gateway);
            third.close();
            fourth.close();
            gateway.upstream.release();
            awaitPassing(gateway, "the slots of aborted requests were not given back");
            HttpResponse<String> ok = gateway.get("/reports/fast");
            assertEquals(200, ok.statusCode());
            // the slot comes back when the gateway notices the client left, which can be before the released
            // upstream finished writing: the upstream's slow responses end too, but in their own time
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (gateway.upstream.slowInProgress() != 0) {
                assertTrue(System.nanoTime() < deadline, "the upstream's slow responses did not end");
                Thread.sleep(20);
            }
        }
    }
}
