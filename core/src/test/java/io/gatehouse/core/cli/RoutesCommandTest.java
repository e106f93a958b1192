package io.gatehouse.core.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.config.GatewayConfig;
import io.gatehouse.core.config.RouteConfig;
import io.gatehouse.core.route.Match;
import io.gatehouse.core.route.RouteRule;
import io.gatehouse.core.route.RouteTable;
import io.gatehouse.core.testing.DocExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gatehouse routes}: the table in the order the router tries it. */
class RoutesCommandTest {

    static final String ROUTES = """
            upstreams:
              users: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:9" } ] } }
            global_filters: [ request_id ]
            routes:
              - { id: catch-all, match: { path: "/api/*rest" }, upstream: users }
              - { id: user, match: { path: "/api/users/:id", methods: [get, put] }, upstream: users, strip_prefix: 1 }
              - { id: me, match: { path: "/api/users/me" }, upstream: users }
              - { id: canary, match: { path: "/api/users/:id", headers: { x-canary: "1" } }, upstream: users }
              - id: tenant
                match: { path: "/api/users/:id", hosts: [ "*.example.com", "a.example.com" ] }
                upstream: users
              - { id: deep, match: { path: "/api/users/:id", host: "*.eu.example.com" }, upstream: users }
              - { id: api-root, match: { path: "/api/" }, upstream: users, filters: [ { strip_prefix: 1 } ] }
              - { id: orders, match: { path: "/api/:kind/recent", query: { debug: "*" } }, upstream: users }
            """;

    @TempDir
    Path home;

    @Test
    void printsTheTableInPrecedenceOrder() throws Exception {
        Cli.Result result = Cli.run("routes", write(ROUTES).toString(), "--home", home.toString());
        assertEquals(0, result.exit(), result.toString());
        assertEquals("", result.err());
        List<String> lines = result.outLines();
        assertTrue(lines.getFirst().matches("#\\s+ID\\s+HOST\\s+METHODS\\s+PATH\\s+PREDICATES\\s+UPSTREAM\\s+FILTERS"),
                lines.getFirst());
        List<String> ids = lines.stream().skip(1).map(line -> line.split("\\s+")[1] + "@" + line.split("\\s+")[2])
                .toList();
        assertEquals(List.of("api-root@*", "me@*", "tenant@a.example.com", "deep@*.eu.example.com",
                "tenant@*.example.com", "user@*", "canary@*", "orders@*", "catch-all@*"), ids, result.toString());
        assertTrue(result.out().contains("GET,PUT"), result.toString());
        assertTrue(result.out().contains("header:x-canary=1"), result.toString());
        assertTrue(result.out().contains("query:debug=*"), result.toString());
        assertTrue(result.out().contains("request_id,strip_prefix"), result.toString());
    }

    @Test
    void jsonHasEveryField() throws Exception {
        Cli.Result result = Cli.run("routes", write(ROUTES).toString(), "--home", home.toString(), "--json");
        assertEquals(0, result.exit(), result.toString());
        JsonNode entries = new ObjectMapper().readTree(result.out());
        assertEquals(9, entries.size());
        JsonNode user = entries.get(5);
        assertEquals(6, user.get("precedence").asInt());
        assertEquals("user", user.get("id").asText());
        assertEquals("*", user.get("host").asText());
        assertEquals("[\"GET\",\"PUT\"]", user.get("methods").toString());
        assertEquals("/api/users/:id", user.get("path").asText());
        assertEquals("users", user.get("upstream").asText());
        assertEquals("[\"request_id\",\"strip_prefix\"]", user.get("filters").toString());
        assertEquals("{\"x-canary\":\"1\"}", entries.get(6).get("headers").toString());
        assertEquals("{\"debug\":\"*\"}", entries.get(7).get("query").toString());
    }

    @Test
    void anInvalidConfigPrintsTheCheckOutputOnStderr() throws Exception {
        Path file = write(ROUTES.replace("upstream: users, strip_prefix: 1", "upstream: nowhere"));
        Cli.Result result = Cli.run("routes", file.toString(), "--home", home.toString());
        assertEquals(1, result.exit(), result.toString());
        assertEquals("", result.out());
        assertEquals("routes[1].upstream: unknown upstream 'nowhere' (known upstreams: users)\n", result.err());
    }

    /** docs/cli.md shows a config and the table routes prints for it: the table is what it prints. */
    @Test
    void theDocumentedTableIsWhatRoutesPrints() throws Exception {
        Path file = write(DocExample.yaml("docs/cli.md", "cli-routes"));
        Cli.Result result = Cli.run("routes", file.toString(), "--home", home.toString());
        assertEquals(0, result.exit(), result.toString());
        assertEquals(CliDoc.block("output: cli-routes"), result.out());
    }

    @Test
    void noRoutes() throws Exception {
        Cli.Result result = Cli.run("routes", write("routes: []\n").toString(), "--home", home.toString());
        assertEquals(0, result.exit(), result.toString());
        assertEquals(List.of("no routes"), result.outLines());
    }

    record Probe(String method, String host, String path, Map<String, String> headers, Map<String, String> query) {
    }

    static Stream<Probe> probes() {
        List<Probe> probes = new ArrayList<>();
        for (String host : List.of("a.example.com", "b.example.com", "x.eu.example.com", "other.org")) {
            for (String path : List.of("/api", "/api/", "/api/users/me", "/api/users/7", "/api/users/7/x",
                    "/api/orders/recent", "/api/x", "/apis")) {
                for (String method : List.of("GET", "POST")) {
                    probes.add(new Probe(method, host, path, Map.of(), Map.of()));
                    probes.add(new Probe(method, host, path, Map.of("x-canary", "1"), Map.of("debug", "1")));
                }
            }
        }
        return probes.stream();
    }

    /**
     * The listed order is the router's: for any request, the route the table picks is the first listed entry that
     * takes the request on its own.
     */
    @ParameterizedTest
    @MethodSource("probes")
    void theFirstListedEntryThatTakesARequestIsTheOneTheRouterPicks(Probe probe) throws Exception {
        GatewayConfig config = ConfigLoader.parse(ROUTES, "routes.yaml", Map.of());
        List<RouteRule<String>> rules = new ArrayList<>();
        for (RouteConfig route : config.routes()) {
            rules.add(rule(route, route.match().allHosts()));
        }
        String routed = idOf(RouteTable.build(rules).match(probe.method(), probe.host(), probe.path(),
                probe.headers()::get, probe.query()::get));
        String firstListed = null;
        for (RoutePrecedence.Entry entry : RoutePrecedence.of(config)) {
            RouteConfig route = config.routes().stream().filter(r -> r.id().equals(entry.id()))
                    .findFirst().orElseThrow();
            RouteTable<String> alone = RouteTable.build(List.of(rule(route, List.of(entry.host()))));
            if (idOf(alone.match(probe.method(), probe.host(), probe.path(), probe.headers()::get,
                    probe.query()::get)) != null) {
                firstListed = entry.id();
                break;
            }
        }
        assertEquals(routed, firstListed, probe.toString());
    }

    private static RouteRule<String> rule(RouteConfig route, List<String> hosts) {
        return new RouteRule<>(route.id(), new LinkedHashSet<>(route.match().methods()), hosts, route.match().path(),
                route.match().headers(), route.match().query(), route.id());
    }

    private static String idOf(Match<String> match) {
        return match instanceof Match.Found<String> found ? found.rule().target() : null;
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(home.resolve("routes.yaml"), yaml);
    }
}
