package io.gatehouse.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link IncrementalReader} against {@link ConfigLoader#read(String, String, Map)}: over random configs and random
 * edits of them, one reader kept across the edits gives the full read's config and problems, every time.
 */
class IncrementalReaderTest {

    private static final String SOURCE = "gatehouse.yaml";

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void readsAsTheFullReadOverRandomEdits(long seed) {
        Random random = new Random(seed);
        Model model = Model.random(random);
        IncrementalReader reader = new IncrementalReader();
        int piecewise = 0;
        for (int edit = 0; edit < 150; edit++) {
            model.edit(random);
            String text = model.text();
            LoadedConfig full = ConfigLoader.read(text, SOURCE, model.env);
            LoadedConfig pieces = reader.readInPieces(text, SOURCE, model.env);
            LoadedConfig incremental = pieces != null ? pieces : reader.read(text, SOURCE, model.env);
            assertEquals(full, incremental, () -> "seed " + seed + ", config:\n" + text);
            piecewise += pieces != null ? 1 : 0;
        }
        // the test must exercise the shortcut, not only the fallback
        assertTrue(piecewise > 15, "only " + piecewise + " edits could be read in pieces");
    }

    static Stream<Long> seeds() {
        return IntStream.range(0, 12).mapToObj(i -> 1000L + i);
    }

    @Test
    void anUnchangedRouteIsTheSameRecordAtTheNextRead() {
        IncrementalReader reader = new IncrementalReader();
        String filler = BigConfig.filler(50);
        LoadedConfig first = reader.read(BigConfig.text(1, filler), SOURCE, Map.of());
        LoadedConfig second = reader.read(BigConfig.text(2, filler), SOURCE, Map.of());
        assertTrue(first.problems().isEmpty(), first.problems()::toString);
        assertEquals(ConfigLoader.read(BigConfig.text(2, filler), SOURCE, Map.of()), second);
        for (int i = 1; i <= 50; i++) {
            assertSame(first.config().routes().get(i), second.config().routes().get(i), "route " + i);
        }
        assertEquals("v2", second.config().routes().getFirst().id());
    }

    @Test
    void aMovedRouteWithFiltersNamesItsNewPlace() {
        IncrementalReader reader = new IncrementalReader();
        String route = "  - { id: f, match: { path: /f }, upstream: u, filters: [ access_log ] }\n";
        String head = "upstreams:\n  u: { discovery: { type: static, endpoints: [ { url: \"http://127.0.0.1:1\" } ] } }\n"
                + "routes:\n";
        String other = "  - { id: a, match: { path: /a }, upstream: u }\n";
        reader.read(head + route + other, SOURCE, Map.of());
        LoadedConfig moved = reader.read(head + other + route, SOURCE, Map.of());
        assertEquals("routes[1].filters[0]", moved.config().routes().get(1).filters().getFirst().path());
        assertEquals(ConfigLoader.read(head + other + route, SOURCE, Map.of()), moved);
    }

    @Test
    void aChangedVariableIsReadAgain() {
        IncrementalReader reader = new IncrementalReader();
        String text = "upstreams:\n  u: { discovery: { type: static, endpoints: [ { url: \"http://127.0.0.1:1\" } ] } }\n"
                + "routes:\n  - { id: a, match: { path: /a }, upstream: u, rewrite: \"\\x24{TO}\" }\n";
        assertEquals("/one", reader.read(text, SOURCE, Map.of("TO", "/one")).config().routes().getFirst().rewrite());
        assertEquals("/two", reader.read(text, SOURCE, Map.of("TO", "/two")).config().routes().getFirst().rewrite());
    }

    /** Texts whose pieces cannot be trusted alone: read whole, with the full read's result. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fallbacks")
    void readsUnusualTextWhole(Case c) {
        IncrementalReader reader = new IncrementalReader();
        assertNull(reader.readInPieces(c.text(), SOURCE, Map.of()), c.desc());
        assertEquals(ConfigLoader.read(c.text(), SOURCE, Map.of()), reader.read(c.text(), SOURCE, Map.of()));
    }

    record Case(String desc, String text) {
        @Override
        public String toString() {
            return desc;
        }
    }

    private static final String UP = "upstreams:\n  u: { discovery: { type: static, endpoints: [ { url: \"http://127.0.0.1:1\" } ] } }\n";

    static Stream<Case> fallbacks() {
        String a = "  - { id: a, match: { path: /a }, upstream: u }\n";
        String b = "  - { id: b, match: { path: /b }, upstream: u }\n";
        return Stream.of(
                new Case("a tab", UP + "routes:\n" + a + "  - {\tid: b, match: { path: /b }, upstream: u }\n"),
                new Case("CRLF", UP.replace("\n", "\r\n") + "routes:\r\n" + a.replace("\n", "\r\n")),
                new Case("document start", "---\n" + UP + "routes:\n" + a),
                new Case("document end", UP + "routes:\n" + a + "...\n"),
                new Case("directive", "%YAML 1.1\n---\n" + UP + "routes:\n" + a),
                new Case("flow routes", UP + "routes: [ { id: a, match: { path: /a }, upstream: u } ]\n"),
                new Case("anchored routes", UP + "routes: &r\n" + a),
                new Case("no routes", UP),
                new Case("empty routes", UP + "routes:\n# none\n"),
                new Case("two routes keys", UP + "routes:\n" + a + "routes:\n" + b),
                new Case("quoted routes key too", UP + "\"routes\": []\nroutes:\n" + a),
                new Case("a less indented line", UP + "routes:\n" + a + " - { id: b, match: { path: /b }, upstream: u }\n"),
                new Case("a key at the items' indent", UP + "routes:\n" + a + "  id: c\n"),
                new Case("alias across routes", UP + "routes:\n  - { id: a, match: &m { path: /a }, upstream: u }\n"
                        + "  - { id: b, match: *m, upstream: u }\n"),
                new Case("alias to the rest", "x: &u u\n" + UP + "routes:\n  - { id: a, match: { path: /a }, upstream: *u }\n"),
                new Case("anchors in two routes", UP + "routes:\n  - { id: &i a, match: { path: /a }, upstream: u, rewrite: *i }\n"
                        + "  - { id: &j b, match: { path: /b }, upstream: u, rewrite: *j }\n"),
                new Case("a quoted scalar over an item's start", UP + "routes:\n  - { id: \"a\n  - b\", match: { path: /a }, upstream: u }\n"),
                new Case("a flow map open over routes' end", UP + "routes:\n  - { id: a, match: { path: /a },\nupstream: u }\n"),
                new Case("a problem in a route", UP + "routes:\n" + a + "  - { id: b, match: { path: /b }, upstream: nope }\n"),
                new Case("a duplicate id", UP + "routes:\n" + a + a),
                new Case("a syntax error", UP + "routes:\n" + a + "  - { id: b, match: { path: /b }, upstream: u\n"),
                new Case("an unknown top-level key", UP + "colour: blue\nroutes:\n" + a),
                new Case("an unset variable", UP + "routes:\n  - { id: a, match: { path: /a }, upstream: \"${NOPE}\" }\n"),
                new Case("a sequence item not a map", UP + "routes:\n" + a + "  - just-a-name\n"),
                new Case("a null item", UP + "routes:\n" + a + "  -\n"));
    }

    /** Valid texts with tricky items: read in pieces or whole, the result is the full read's. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tricky")
    void readsTrickyTextAsTheFullRead(Case c) {
        IncrementalReader reader = new IncrementalReader();
        LoadedConfig full = ConfigLoader.read(c.text(), SOURCE, Map.of("A", "/from-env"));
        assertEquals(full, reader.read(c.text(), SOURCE, Map.of("A", "/from-env")), c.desc());
        // each of them can be read in pieces, unless it has a problem
        assertEquals(full.problems().isEmpty(), reader.readInPieces(c.text(), SOURCE, Map.of("A", "/from-env")) != null,
                c.desc());
        // and again, from the cache
        assertEquals(full, reader.read(c.text(), SOURCE, Map.of("A", "/from-env")), c.desc());
    }

    static Stream<Case> tricky() {
        String a = "  - { id: a, match: { path: /a }, upstream: u }\n";
        return Stream.of(
                new Case("keep chomping before an item", UP + "routes:\n  - id: k\n    match: { path: /k }\n"
                        + "    upstream: u\n    rewrite: |+\n      /k\n\n\n" + a),
                new Case("keep chomping at routes' end", UP + "routes:\n" + a + "  - id: k\n    match: { path: /k }\n"
                        + "    upstream: u\n    rewrite: |+\n      /k\n\n# done\nglobal_filters: [ access_log ]\n"),
                new Case("keep chomping at the file's end", UP + "routes:\n" + a + "  - id: k\n    match: { path: /k }\n"
                        + "    upstream: u\n    rewrite: |+\n      /k\n\n"),
                new Case("folded and stripped", UP + "routes:\n  - id: f\n    match: { path: /f }\n    upstream: u\n"
                        + "    rewrite: >-\n      /f\n\n      /g\n" + a),
                new Case("double-quoted over lines", UP + "routes:\n  - id: \"q\\\n      r\"\n    match: { path: \"/q\\x41\" }\n"
                        + "    upstream: u\n" + a),
                new Case("single-quoted over lines", UP + "routes:\n  - id: 'it''s\n    here'\n    match: { path: /s }\n"
                        + "    upstream: u\n" + a),
                new Case("comments everywhere", "# head\n" + UP + "routes: # the routes\n# at column 0\n" + a
                        + "    # deeper\n  # at the items' indent\n  - # after the dash\n    id: c\n    match: { path: /c }\n"
                        + "    upstream: u\n"),
                new Case("routes first", "routes:\n" + a + UP),
                new Case("routes between", "server: { port: 1 }\nroutes:\n" + a + UP + "global_filters: [ access_log ]\n"),
                new Case("an anchor and merge key in one route", UP + "routes:\n  - id: m\n    match: &m { path: /m }\n"
                        + "    upstream: u\n    filters: [ { headers: { <<: { request: { set: { X-A: b } } } } } ]\n" + a),
                new Case("a variable in a route", UP + "routes:\n  - { id: e, match: { path: \"${A}\" }, upstream: u }\n" + a),
                new Case("an escaped variable", UP + "routes:\n  - { id: e, match: { path: \"\\x24{A}\" }, upstream: u }\n" + a),
                new Case("items deeper than two", UP + "routes:\n      - { id: a, match: { path: /a }, upstream: u }\n"
                        + "      -   id: b\n          match: { path: /b }\n          upstream: u\n"),
                new Case("a document of routes only", "routes:\n- { id: a, match: { path: /a }, upstream: u }\n"));
    }

    /** A route nested to the limit parses alone but not in the file: the nesting must be counted as in the file. */
    @Test
    void nestingIsCountedAsInTheFile() {
        for (int depth = 40; depth <= 52; depth++) {
            String deep = "[".repeat(depth) + "]".repeat(depth);
            String text = UP + "routes:\n  - { id: a, match: { path: /a }, upstream: u, filters: [ { x: " + deep + " } ] }\n";
            assertEquals(ConfigLoader.read(text, SOURCE, Map.of()), new IncrementalReader().read(text, SOURCE, Map.of()),
                    "depth " + depth);
        }
    }

    @Test
    void aliasesAreCountedOverTheWholeFile() {
        // 30 aliases in the rest and 30 in a route: 60 in the file, over the limit of 50 (the full read refuses it)
        String text = "global_filters: [ { headers: [ &x [1]" + ", *x".repeat(30) + " ] } ]\n" + UP
                + "routes:\n  - { id: a, match: &y { path: /a }, upstream: u, filters: [ { f: [" + "*y, ".repeat(29)
                + "*y] } ] }\n";
        LoadedConfig full = ConfigLoader.read(text, SOURCE, Map.of());
        assertTrue(full.problems().toString().contains("aliases"), full.problems()::toString);
        assertEquals(full, new IncrementalReader().read(text, SOURCE, Map.of()));
        assertNull(new IncrementalReader().readInPieces(text, SOURCE, Map.of()));
    }

    @Test
    void readsInPiecesWhenItemsStartAtColumnZero() {
        String text = UP + "routes:\n- id: a\n  match: { path: /a }\n  upstream: u\n# between\n-\n  id: b\n  match: { path: /b }\n"
                + "  upstream: u\nglobal_filters: [ access_log ]\n";
        LoadedConfig pieces = new IncrementalReader().readInPieces(text, SOURCE, Map.of());
        assertNotNull(pieces);
        assertEquals(ConfigLoader.read(text, SOURCE, Map.of()), pieces);
        assertEquals(2, pieces.config().routes().size());
    }

    /** A config as text: top-level blocks in some order, routes in some style each, and the environment. */
    private static final class Model {
        final List<String> routes = new ArrayList<>();
        final Map<String, String> env = new HashMap<>();
        int indent;
        int next;
        int port = 8080;
        boolean routesFirst;
        boolean globals;
        String upstreams = "other";
        int broken = -1;

        static Model random(Random random) {
            Model model = new Model();
            model.indent = random.nextInt(3) * 2;
            model.env.put("UP", "backend");
            model.env.put("PREFIX", "/env");
            int count = 3 + random.nextInt(10);
            for (int i = 0; i < count; i++) {
                model.routes.add(model.route(random));
            }
            return model;
        }

        String text() {
            String top = "server: { port: " + port + " }\nupstreams:\n"
                    + "  backend: { discovery: { type: static, endpoints: [ { url: \"http://127.0.0.1:1\" } ] } }\n"
                    + (upstreams.equals("backend") ? "" : "  " + upstreams + ": { discovery: { type: static, "
                    + "endpoints: [ { url: \"http://127.0.0.1:2\" } ] } }\n");
            String routeBlock = "routes:\n" + String.join("", routes);
            String end = globals ? "global_filters: [ access_log ]\n# the end\n" : "";
            return routesFirst ? routeBlock + top + end : top + routeBlock + end;
        }

        void edit(Random random) {
            switch (random.nextInt(12)) {
                case 0, 1 -> routes.add(random.nextInt(routes.size() + 1), route(random));
                case 2 -> {
                    if (routes.size() > 1) {
                        routes.remove(random.nextInt(routes.size()));
                    }
                }
                case 3 -> {
                    int i = random.nextInt(routes.size());
                    int j = random.nextInt(routes.size());
                    String r = routes.get(i);
                    routes.set(i, routes.get(j));
                    routes.set(j, r);
                }
                case 4 -> routes.set(random.nextInt(routes.size()), route(random));
                case 5 -> {
                    int i = random.nextInt(routes.size());
                    routes.set(i, routes.get(i) + (random.nextBoolean() ? "\n" : " ".repeat(indent) + "# note\n"));
                }
                case 6 -> env.put("PREFIX", "/env" + random.nextInt(3));
                case 7 -> env.put("UP", random.nextInt(4) == 0 ? "other" : "backend");
                case 8 -> port = 8000 + random.nextInt(3);
                case 9 -> upstreams = random.nextInt(4) == 0 ? "backend" : "other";
                case 10 -> globals = !globals;
                default -> routesFirst = random.nextInt(4) == 0;
            }
            if (broken >= 0 && broken < routes.size() && random.nextBoolean()) {
                routes.set(broken, route(random)); // mostly valid configs, so that most reads can take the shortcut
                broken = -1;
            } else if (random.nextInt(20) == 0) {
                broken = random.nextInt(routes.size());
                routes.set(broken, broken(random));
            }
        }

        /** A route in one of many styles; ids are unique unless chosen not to be. */
        String route(Random random) {
            int n = next++;
            String p = " ".repeat(indent);
            String id = random.nextInt(100) == 0 ? "r0" : "r" + n;
            int style = random.nextInt(11);
            if (style == 4 && routes.stream().anyMatch(r -> r.contains("&p"))) {
                style = 0; // anchors in two routes are read whole: keep most configs readable in pieces
            }
            return switch (style) {
                case 0 -> p + "- { id: " + id + ", match: { path: /p" + n + " }, upstream: backend }\n";
                case 1 -> p + "- id: " + id + "\n" + p + "  match:\n" + p + "    path: /a" + n + "/:id\n"
                        + p + "    methods: [GET, post]\n" + p + "  upstream: backend\n" + p + "  rewrite: /x/:id\n";
                case 2 -> p + "- id: " + id + "\n" + p + "  match: { path: /f" + n + " }\n" + p + "  upstream: backend\n"
                        + p + "  filters:\n" + p + "    - access_log\n" + p + "    - headers: { request: { set: { X-N: \""
                        + n + "\" } } }\n";
                case 3 -> p + "- { id: " + id + ", match: { path: \"${PREFIX}/" + n + "\" }, upstream: \"${UP}\" }\n";
                case 4 -> p + "- id: " + id + "\n" + p + "  match: { path: &p" + n + " /anchor" + n + " }\n"
                        + p + "  upstream: backend\n" + p + "  rewrite: *p" + n + "\n";
                case 5 -> p + "- id: " + id + "\n" + p + "  match: { path: /m" + n + " }\n" + p + "  upstream: backend\n"
                        + p + "  rewrite: >-\n" + p + "    /folded" + n + "\n" + p + "    /more\n";
                case 6 -> p + "- id: \"" + id + "\"\n" + p + "  match: { path: '/q" + n + "',\n" + p
                        + "    host: \"h" + n + ".example.com\" }\n" + p + "  upstream: backend\n";
                case 7 -> p + "-\n" + p + "  id: " + id + "\n" + p + "  match: { path: /d" + n + " }\n" + p
                        + "  upstream: backend # trailing\n\n";
                case 8 -> p + "- { id: " + id + ", match: { path: \"$${literal}/" + n + "\" }, upstream: backend, "
                        + "timeout: 5s, strip_prefix: 1 }\n";
                case 9 -> p + "- id: " + id + "\n" + p + "  match: { path: /w" + n + " }\n" + p + "  upstream: backend\n"
                        + p + "  websocket: { allowed_origins: [ \"https://a.example\" ] }\n";
                default -> p + "- { id: " + id + ", match: { path: /u" + n + " }, upstream: other }\n";
            };
        }

        /** A route with a problem of one kind or another. */
        String broken(Random random) {
            String p = " ".repeat(indent);
            int n = next++;
            return switch (random.nextInt(6)) {
                case 0 -> p + "- { id: b" + n + ", match: { path: /b }, upstream: nowhere }\n";
                case 1 -> p + "- { id: b" + n + ", match: { path: /b, methods: [\"G T\"] }, upstream: backend }\n";
                case 2 -> p + "- { id: b" + n + ", match: { path: /b }, upstream: backend, colour: red }\n";
                case 3 -> p + "- { id: b" + n + ", match: { path: \"${MISSING}\" }, upstream: backend }\n";
                case 4 -> p + "- { id: b" + n + ", match: { path: /b }, upstream: backend\n";
                default -> p + "- { id: b" + n + ", match: *nowhere, upstream: backend }\n";
            };
        }
    }
}
