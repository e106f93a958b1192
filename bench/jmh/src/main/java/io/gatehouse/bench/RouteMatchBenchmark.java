package io.gatehouse.bench;

import io.gatehouse.core.route.Match;
import io.gatehouse.core.route.RouteRule;
import io.gatehouse.core.route.RouteTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The cost of matching one request against a route table of 10 to 10 000 routes (issue 14: it must not grow with the
 * number of routes), and of building the table (part of every reload). The routes are what a large config has: per
 * service a static path, a path with a parameter, a catch-all, and one route in ten for one host only and for GET
 * only. Requests cycle over 1024 paths drawn from those routes, and one in eight matches none (a 404).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class RouteMatchBenchmark {

    @Param({"10", "100", "1000", "10000"})
    public int routes;

    private RouteTable<String> table;
    private List<RouteRule<String>> rules;
    private final String[] paths = new String[1024];
    private final String[] hosts = new String[1024];
    private int next;

    /** Builds the rules, the table and the requests. */
    @Setup
    public void setUp() {
        rules = rules(routes);
        table = RouteTable.build(rules);
        Random random = new Random(42);
        int services = Math.max(1, routes / 3);
        for (int i = 0; i < paths.length; i++) {
            int service = random.nextInt(services);
            hosts[i] = service % 10 == 0 ? "api" + service + ".example.com" : "gw.example.com";
            paths[i] = switch (random.nextInt(8)) {
                case 0, 1 -> "/svc" + service + "/health";
                case 2, 3, 4 -> "/svc" + service + "/users/" + random.nextInt(100000);
                case 5, 6 -> "/svc" + service + "/files/a/b/c" + random.nextInt(100) + ".txt";
                default -> "/nothing" + random.nextInt(1000) + "/here";
            };
        }
    }

    static List<RouteRule<String>> rules(int count) {
        List<RouteRule<String>> list = new ArrayList<>(count);
        for (int i = 0; list.size() < count; i++) {
            int service = i / 3;
            String base = "/svc" + service;
            String path = switch (i % 3) {
                case 0 -> base + "/health";
                case 1 -> base + "/users/:id";
                default -> base + "/files/*rest";
            };
            List<String> routeHosts = service % 10 == 0 ? List.of("api" + service + ".example.com") : List.of();
            Set<String> methods = service % 10 == 5 ? Set.of("GET") : Set.of();
            list.add(new RouteRule<>("r" + i, methods, routeHosts, path, Map.of(), Map.of(), "r" + i));
        }
        return list;
    }

    /** @return one match of the next request */
    @Benchmark
    public Match<String> match() {
        int i = next++ & (paths.length - 1);
        return table.match("GET", hosts[i], paths[i], null, null);
    }

    /** @return the table built anew (what every reload does) */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public RouteTable<String> build() {
        return RouteTable.build(rules);
    }
}
