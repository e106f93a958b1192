package io.gatehouse.plugins.ratelimit;

import io.gatehouse.core.testing.LogCapture;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** End to end with a real redis-server: two gateways share one limit; Redis killed and restarted mid-run. */
class RedisLimitIT {

    private static String shared(int redisPort, String backend) {
        return RateGateway.UPSTREAM + RateGateway.route("orders", "rate_limit: { backend: " + backend
                + ", redis: { port: " + redisPort + " }, policies: [ { key: global, limit: 400, window: 1h, "
                + "group: all-orders } ] }");
    }

    /**
     * Two gateways in one JVM have separate state (each loads the plugin JAR in its own plugin manager, so even the
     * static group registry is theirs alone): with local counters each allows the whole limit. With Redis, both
     * together allow it once, within ±5 %.
     */
    @Test
    void twoGatewaysSharingOneRedisHoldOneCombinedLimit() throws Exception {
        try (RedisServer redis = RedisServer.start();
             RateGateway one = RateGateway.start(shared(redis.port(), "local"));
             RateGateway two = RateGateway.start(shared(redis.port(), "local"))) {
            LocalLimitIT.Hammered localOne = LocalLimitIT.hammer(one, "/orders/x", 1_500);
            LocalLimitIT.Hammered localTwo = LocalLimitIT.hammer(two, "/orders/x", 1_500);
            assertEquals(400, localOne.allowed(), "local counters: each gateway its own");
            assertEquals(400, localTwo.allowed(), "local counters: each gateway its own, not the other's");

            assertTrue(one.reload(shared(redis.port(), "redis")).problems().isEmpty());
            assertTrue(two.reload(shared(redis.port(), "redis")).problems().isEmpty());
            CompletableFuture<LocalLimitIT.Hammered> first = CompletableFuture.supplyAsync(() -> hammer(one));
            LocalLimitIT.Hammered second = hammer(two);
            LocalLimitIT.Hammered firstDone = first.join();
            int allowed = firstDone.allowed() + second.allowed();
            assertEquals(0, firstDone.other() + second.other(), "only 200 and 429");
            assertTrue(firstDone.allowed() > 0 && second.allowed() > 0, "both gateways served: " + firstDone
                    + " " + second);
            assertTrue(Math.abs(allowed - 400) <= 20, "combined: " + allowed + " of 400");
            assertEquals(allowed, one.upstream.count() + two.upstream.count() - 800);
        }
    }

    private static LocalLimitIT.Hammered hammer(RateGateway gateway) {
        try {
            return LocalLimitIT.hammer(gateway, "/orders/x", 3_000);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The "redis" example: counted in Redis, one round trip per request (and one more, once, to load the script). */
    @Test
    void theRedisExampleCountsInRedisWithOneRoundTripPerRequest() throws Exception {
        try (RedisServer redis = RedisServer.start();
             RateGateway gateway = RateGateway.start(RateGateway.example("redis")
                     .replace("${REDIS_PORT:6379}", "${REDIS_PORT_UNSET_IN_TESTS:" + redis.port() + "}"));
             RedisClient client = RedisClient.create("127.0.0.1",
                     redis.port())) {
            for (int i = 1; i <= 10; i++) {
                HttpResponse<String> response = gateway.get("/orders/" + i);
                assertEquals(200, response.statusCode(), response.body());
                assertEquals("100", response.headers().firstValue("RateLimit-Limit").orElseThrow());
                assertEquals(Integer.toString(100 - i), response.headers().firstValue("RateLimit-Remaining")
                        .orElseThrow());
            }
            String stats = client.info("commandstats");
            assertEquals(10, calls(stats, "evalsha"), "one EVALSHA per request: " + stats);
            assertEquals(1, calls(stats, "eval"), "the first EVALSHA met NOSCRIPT; one EVAL loaded it: " + stats);
            assertEquals(1, client.keys("gatehouse:rl:*").size(), "one counter: the anonymous consumer's");
        }
    }

    private static long calls(String commandstats, String command) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("cmdstat_" + command + ":calls=(\\d+)")
                .matcher(commandstats);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String modes(int redisPort) {
        StringBuilder yaml = new StringBuilder(RateGateway.UPSTREAM);
        for (String mode : List.of("allow", "deny", "local")) {
            yaml.append(RateGateway.route(mode, "rate_limit: { backend: redis, redis: { port: " + redisPort
                    + ", local_share: 0.5 }, on_redis_error: " + mode + ", policies: [ { key: ip, limit: 4, "
                    + "window: 1h } ] }"));
        }
        return yaml.toString();
    }

    @Test
    void whenRedisDiesEachModeDoesWhatItSaysAndWhenItComesBackLimitsAreSharedAgain() throws Exception {
        try (RedisServer redis = RedisServer.start();
             RateGateway gateway = RateGateway.start(modes(redis.port()));
             LogCapture log = LogCapture.of("")) {
            for (String mode : List.of("allow", "deny", "local")) {
                HttpResponse<String> response = gateway.get("/" + mode + "/1");
                assertEquals(200, response.statusCode(), response.body());
                assertEquals("3", response.headers().firstValue("RateLimit-Remaining").orElseThrow(),
                        "counted in Redis");
            }
            redis.kill();
            int localAllowed = 0;
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> allow = timed(gateway, "/allow/" + i);
                assertEquals(200, allow.statusCode(), "allow: unlimited while Redis is down");
                assertTrue(allow.headers().firstValue("RateLimit-Remaining").isEmpty(), "nothing to tell");
                HttpResponse<String> deny = timed(gateway, "/deny/" + i);
                assertEquals(503, deny.statusCode(), deny.body());
                assertProblem(deny, "rate_limiter_unavailable");
                assertEquals("1", deny.headers().firstValue("Retry-After").orElseThrow());
                HttpResponse<String> local = timed(gateway, "/local/" + i);
                assertTrue(local.statusCode() == 200 || local.statusCode() == 429, local.body());
                localAllowed += local.statusCode() == 200 ? 1 : 0;
            }
            assertEquals(2, localAllowed, "local: this node alone, half of the limit of 4");
            assertEquals(3, log.containing("does not answer within 50 ms").size(),
                    "once per limiter, not per request: " + log.containing("does not answer"));

            redis.restart();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (gateway.get("/allow/back").headers().firstValue("RateLimit-Remaining").isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "the limiter did not come back within 20 s");
                Thread.sleep(100);
            }
            for (String mode : List.of("deny", "local")) {
                long until = System.nanoTime() + 20_000_000_000L;
                while (gateway.get("/" + mode + "/back").statusCode() != 200) {
                    assertTrue(System.nanoTime() < until, mode + " did not come back within 20 s");
                    Thread.sleep(100);
                }
            }
            // a fresh Redis: 4 per ip again, shared, and the third request counted there
            HttpResponse<String> shared = gateway.get("/local/again");
            assertEquals(200, shared.statusCode());
            assertEquals("2", shared.headers().firstValue("RateLimit-Remaining").orElseThrow());
            assertEquals(3, log.containing("answers again").size(), log.containing("answers again").toString());
            assertTrue(log.lines().stream().noneMatch(line -> line.thrown() != null
                    && line.logger().contains("rate_limit")), "no stack traces");
        }
    }

    /** No request waits for Redis longer than its timeout (50 ms) plus a generous margin for this busy machine. */
    private static HttpResponse<String> timed(RateGateway gateway, String path) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = gateway.get(path);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 1_500, path + " took " + millis + " ms");
        assertTrue(response.statusCode() != 500, response.body());
        return response;
    }
}
