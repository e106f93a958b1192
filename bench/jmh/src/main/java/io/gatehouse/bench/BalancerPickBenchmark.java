package io.gatehouse.bench;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.LoadBalancer;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.plugins.balancers.ConsistentHashConfig;
import io.gatehouse.plugins.balancers.ConsistentHashFactory;
import io.gatehouse.plugins.balancers.LeastRequestsFactory;
import io.gatehouse.plugins.balancers.NoOptions;
import io.gatehouse.plugins.balancers.P2cEwmaConfig;
import io.gatehouse.plugins.balancers.P2cEwmaFactory;
import io.gatehouse.plugins.balancers.RoundRobinFactory;
import io.gatehouse.plugins.balancers.WeightedRoundRobinFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The cost of one pick: {@code choose} and then {@code completed} (which least_requests and p2c_ewma need to keep
 * their counts level, and which the core calls once per request), for each balancer of the balancers plugin, with
 * 3 and 100 endpoints of weights 1 to 5, on one thread and on two threads sharing the balancer. The endpoint list
 * is one immutable object, as the core passes it; consistent_hash hashes a header that cycles over 1024 values.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class BalancerPickBenchmark {

    @Param({"round_robin", "weighted_round_robin", "consistent_hash", "least_requests", "p2c_ewma"})
    public String balancer;

    @Param({"3", "100"})
    public int endpoints;

    private LoadBalancer instance;
    private List<Endpoint> list;

    /** Per thread: the requests it sends, one after the other. */
    @State(Scope.Thread)
    public static class Requests {
        private final Exchange[] exchanges = new Exchange[1024];
        private int next;

        /** Builds the requests. */
        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < exchanges.length; i++) {
                exchanges[i] = TestExchange.builder().header("X-User", "user-" + i).clientIp("10.1.0." + (i % 250))
                        .build();
            }
        }

        Exchange next() {
            Exchange exchange = exchanges[next];
            next = (next + 1) & (exchanges.length - 1);
            return exchange;
        }
    }

    /** Creates the balancer and the endpoint list. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        instance = switch (balancer) {
            case "round_robin" -> new RoundRobinFactory().create(new NoOptions(), null);
            case "weighted_round_robin" -> new WeightedRoundRobinFactory().create(new NoOptions(), null);
            case "consistent_hash" -> new ConsistentHashFactory().create(
                    new ConsistentHashConfig("header", "X-User", null), null);
            case "least_requests" -> new LeastRequestsFactory().create(new NoOptions(), null);
            case "p2c_ewma" -> new P2cEwmaFactory().create(new P2cEwmaConfig(null, null), null);
            default -> throw new IllegalArgumentException("unknown balancer " + balancer);
        };
        List<Endpoint> built = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            built.add(new Endpoint(URI.create("http://10.0." + i / 250 + "." + i % 250 + ":8080"), 1 + i % 5,
                    Map.of()));
        }
        list = List.copyOf(built);
    }

    /** Closes the balancer. */
    @TearDown(Level.Trial)
    public void tearDown() {
        instance.close();
    }

    /** @return the chosen endpoint (consumed by JMH) */
    @Benchmark
    @Threads(1)
    public Endpoint pick(Requests requests) {
        return pickOnce(requests);
    }

    /** @return the chosen endpoint (consumed by JMH) */
    @Benchmark
    @Threads(2)
    public Endpoint pick2Threads(Requests requests) {
        return pickOnce(requests);
    }

    private Endpoint pickOnce(Requests requests) {
        Endpoint chosen = instance.choose(list, requests.next()).orElseThrow();
        instance.completed(chosen, 1_000_000, false);
        return chosen;
    }
}
