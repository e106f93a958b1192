package io.gatehouse.plugins.balancers;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.LoadBalancer;
import io.gatehouse.api.testkit.TestExchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Supplier;

import static io.gatehouse.plugins.balancers.Picks.endpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListChangesConcurrentlyTest {

    record Case(String id, Supplier<LoadBalancer> balancer) {
        @Override
        public String toString() {
            return id;
        }
    }

    static List<Case> balancers() {
        return List.of(
                new Case("round_robin", () -> new RoundRobinFactory().create(new NoOptions(), null)),
                new Case("weighted_round_robin", () -> new WeightedRoundRobinFactory().create(new NoOptions(), null)),
                new Case("consistent_hash", () -> new ConsistentHashFactory().create(
                        new ConsistentHashConfig("header", "X-User", null), null)),
                new Case("least_requests", () -> new LeastRequestsFactory().create(new NoOptions(), null)),
                new Case("p2c_ewma", () -> new P2cEwmaFactory().create(new P2cEwmaConfig(null, null), null)));
    }

    /**
     * Four threads pick from lists that change under them: every 3 picks each is given another of several lists
     * (overlapping, re-weighted, with weight 0, empty, sometimes a new mutable copy), as a discovery update or a
     * health change would. No pick may throw or return an endpoint missing from (or of weight 0 in) its list.
     */
    @ParameterizedTest
    @MethodSource("balancers")
    void aListChangingBetweenCallsNeverBreaksAPick(Case c) throws Exception {
        LoadBalancer balancer = c.balancer().get();
        List<List<Endpoint>> lists = List.of(
                List.of(endpoint(1, 1), endpoint(2, 1), endpoint(3, 1)),
                List.of(endpoint(2, 3), endpoint(3, 1), endpoint(4, 2), endpoint(5, 0)),
                List.of(endpoint(6, 1)),
                List.of(),
                List.of(endpoint(1, 0), endpoint(7, 0)),
                List.of(endpoint(1, 5), endpoint(2, 1), endpoint(3, 1), endpoint(8, 1), endpoint(9, 1)));
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 10_000; i++) {
                        List<Endpoint> given = lists.get((i / 3 * 7 + seed) % lists.size()); // a change every 3 picks
                        if (i % 5 == 0) {
                            given = new ArrayList<>(given); // a new, equal, mutable list object
                        }
                        Exchange exchange = TestExchange.builder().header("X-User", "u" + i).build();
                        Optional<Endpoint> chosen = balancer.choose(given, exchange);
                        boolean anyEligible = given.stream().anyMatch(e -> e.weight() > 0);
                        List<Endpoint> list = given;
                        assertEquals(anyEligible, chosen.isPresent(), () -> "pick from " + list);
                        if (chosen.isPresent()) {
                            assertTrue(given.contains(chosen.get()) && chosen.get().weight() > 0,
                                    () -> chosen.get() + " is not an eligible member of " + list);
                            balancer.completed(chosen.get(), 1_000_000 + i, i % 17 == 0);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError(failures.size() + " thread(s) failed", failures.peek());
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
    }
}
