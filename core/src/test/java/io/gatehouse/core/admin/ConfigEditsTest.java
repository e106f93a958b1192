package io.gatehouse.core.admin;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Edits of the config file's node tree: what changes, what stays as written. */
class ConfigEditsTest {

    private static final String FILE = """
            # head comment
            server: { host: 127.0.0.1, port: 0 }   # flow style, trailing comment
            upstreams:
              # about up
              up: { discovery: { type: static, endpoints: [ { url: "${UP_URL}" } ] } }
            routes:
              # first route
              - id: a
                match: { path: /a, methods: [GET] }
                upstream: up
                rewrite: '/no'      # quoted
              - id: b
                match: { path: /b }
                upstream: up
            """;

    @Test
    void aPutRouteGoesLastAndLeavesTheRestAsWritten() {
        ConfigEdit.Edited edited = ConfigEdits.putRoute("c", YamlDocument.parseBody("match: { path: /c }\nupstream: up"))
                .apply(FILE);
        assertNull(edited.refusal());
        assertTrue(edited.created());
        assertNull(edited.before());
        assertEquals(64, edited.after().length());
        String text = edited.text();
        for (String kept : new String[] {"# head comment", "# flow style, trailing comment", "# about up",
                "# first route", "'/no' # quoted", "\"${UP_URL}\"", "methods: [GET]"}) {
            assertTrue(text.contains(kept), kept + " not in\n" + text);
        }
        assertTrue(text.indexOf("id: c") > text.indexOf("id: b"), text);
        assertTrue(text.contains("  - id: c\n    match: {path: /c}\n    upstream: up\n"), text);
    }

    @Test
    void aReplacedRouteKeepsItsPlaceAndItsDigestChanges() {
        ConfigEdit.Edited edited = ConfigEdits.putRoute("a", YamlDocument.parseBody(
                "{\"id\": \"a\", \"match\": {\"path\": \"/a2\"}, \"upstream\": \"up\"}")).apply(FILE);
        assertFalse(edited.created());
        assertTrue(edited.text().indexOf("/a2") < edited.text().indexOf("id: b"), edited.text());
        assertFalse(edited.text().contains("/no"), edited.text());
        assertNotEquals(edited.before(), edited.after());
    }

    @Test
    void theSameEntryHasTheSameDigestWhateverItsLayout() {
        String one = ConfigEdits.putRoute("z", YamlDocument.parseBody("{upstream: up, match: {path: /z}}"))
                .apply(FILE).after();
        String two = ConfigEdits.putRoute("z", YamlDocument.parseBody("match:\n  path: /z\nupstream: up  # c"))
                .apply(FILE).after();
        assertEquals(one, two);
    }

    @Test
    void aBodyIdOtherThanThePathsIsRefused() {
        ConfigEdit.Edited edited = ConfigEdits.putRoute("a", YamlDocument.parseBody("id: b\nupstream: up"))
                .apply(FILE);
        assertEquals(400, edited.refusal().status());
        assertEquals("id", edited.refusal().problems().getFirst().path());
    }

    @Test
    void aDeletedRouteTakesItsOwnCommentWithIt() {
        ConfigEdit.Edited deleted = ConfigEdits.deleteRoute("a").apply(FILE);
        assertFalse(deleted.text().contains("id: a"), deleted.text());
        assertFalse(deleted.text().contains("# first route"), deleted.text());
        assertTrue(deleted.text().contains("# head comment"), deleted.text());
        assertNull(deleted.after());
        assertEquals(404, ConfigEdits.deleteRoute("nope").apply(FILE).refusal().status());
    }

    @Test
    void anUpstreamInUseNamesItsRoutes() {
        ConfigChange refusal = ConfigEdits.deleteUpstream("up").apply(FILE).refusal();
        assertEquals(409, refusal.status());
        assertEquals(List.of("routes[0].upstream", "routes[1].upstream"),
                refusal.problems().stream().map(p -> p.path()).toList());
    }

    @Test
    void aFileWithoutRoutesOrUpstreamsGetsThem() {
        String text = ConfigEdits.putUpstream("u", YamlDocument.parseBody("discovery: {type: static}")).apply(
                "# only a comment\nserver: {port: 0}\n").text();
        text = ConfigEdits.putRoute("r", YamlDocument.parseBody("upstream: u")).apply(text).text();
        assertTrue(text.contains("upstreams:\n  u:\n    discovery: {type: static}"), text);
        assertTrue(text.contains("routes:\n  - id: r\n    upstream: u"), text);
        assertTrue(ConfigEdits.putRoute("r", YamlDocument.parseBody("upstream: u")).apply("").text()
                .startsWith("routes:"));
    }

    @Test
    void commentsSnakeYamlWouldMisplaceTurnTheirFlowCollectionIntoBlockStyle() {
        String text = """
                admin:
                  tokens:
                    # before a flow item
                    - { name: ops, token: x }
                routes:
                  - id: a
                    x: [
                      # inside a flow list
                      1, 2]
                    methods:
                      # before a scalar item
                      - GET
                """;
        String edited = ConfigEdits.putRoute("c", YamlDocument.parseBody("upstream: u")).apply(text).text();
        Object data = new org.yaml.snakeyaml.Yaml().load(edited);
        assertEquals(new org.yaml.snakeyaml.Yaml().load(text + "  - {id: c, upstream: u}\n"), data, edited);
        for (String kept : new String[] {"# before a flow item", "# inside a flow list", "# before a scalar item"}) {
            assertTrue(edited.contains(kept), edited);
        }
    }
}
