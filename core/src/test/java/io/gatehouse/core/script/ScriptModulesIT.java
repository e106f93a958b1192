package io.gatehouse.core.script;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.ClientLoop;
import io.gatehouse.core.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Saving a module reloads every script that imports it, under load, with the last-good-version rules. */
class ScriptModulesIT {

    private static ScriptedRoute scripted;
    private static Path home;
    private static GatewayFixture gateway;

    /** A filter that tags the response with the module's tag. */
    private static String importer(String specifier) {
        return """
                import { tag } from '%s';
                export function filter(exchange, chain) {
                    const response = chain.proceed(exchange);
                    response.headers.set('X-Tag', tag());
                    return response;
                }
                """.formatted(specifier);
    }

    private static String tagModule(int n) {
        return "export function tag() {\n    return 'v%d';\n}\n".formatted(n);
    }

    @BeforeAll
    static void start() throws Exception {
        scripted = ScriptedRoute.start("mods");
        home = scripted.home;
        gateway = scripted.gateway;
        ScriptHome.write(home, "lib/tag.js", tagModule(0));
        ScriptHome.write(home, "one.js", importer("./lib/tag.js"));
        ScriptHome.write(home, "filters/two.js", importer("../lib/tag.js"));
        scripted.withRoutes("""
                  - { id: one, match: { path: /one }, upstream: echo, filters: [ { script: { file: one.js, timeout: 5s } } ] }
                  - { id: two, match: { path: /two }, upstream: echo, filters: [ { script: { file: filters/two.js, timeout: 5s } } ] }
                """);
        ScriptHome.await("both routes", () -> tag("/one").equals("200/v0") && tag("/two").equals("200/v0"));
    }

    @AfterAll
    static void stop() {
        scripted.close();
    }

    private static String tag(String path) throws Exception {
        HttpResponse<String> response = gateway.get(path);
        return response.statusCode() + "/" + response.headers().firstValue("X-Tag").orElse("-");
    }

    @Test
    void editingAnImportedModuleReloadsBothImportersUnderLoadWithoutAFailedRequest() throws Exception {
        ClientLoop load = ClientLoop.start(4, () -> {
            HttpResponse<String> one = gateway.get("/one");
            return one.statusCode() != 200 ? one : gateway.get("/two");
        });
        try {
            for (int n = 1; n <= 8; n++) {
                ScriptHome.write(home, "lib/tag.js", tagModule(n));
                String expected = "200/v" + n;
                ScriptHome.await("version " + n + " of lib/tag.js served by both",
                        () -> tag("/one").equals(expected) && tag("/two").equals(expected));
            }

            ScriptHome.write(home, "lib/tag.js", "export function tag() {\n    return 'v9'\n}}\n");
            ScriptHome.await("the broken module reported for both", () -> !ScriptHome.status(gateway, "one.js").get("ok")
                    .asBoolean() && !ScriptHome.status(gateway, "filters/two.js").get("ok").asBoolean());
            JsonNode broken = ScriptHome.status(gateway, "one.js");
            assertTrue(broken.get("last_error").asText().startsWith("scripts/lib/tag.js:3:"), broken.toString());
            assertEquals("200/v8", tag("/one"));
            assertEquals("200/v8", tag("/two"));

            ScriptHome.write(home, "lib/tag.js", "export { tag } from './missing.js';\n");
            ScriptHome.await("the missing module reported", () -> ScriptHome.status(gateway, "filters/two.js")
                    .get("last_error").asText().contains("scripts/lib/missing.js does not exist (import chain: "
                            + "filters/two.js -> lib/tag.js)"));
            ScriptHome.write(home, "lib/missing.js", tagModule(10).replace("tag()", "tag() /* moved */"));
            ScriptHome.await("creating the missing module loads both",
                    () -> tag("/one").equals("200/v10") && tag("/two").equals("200/v10"));
        } finally {
            load.close();
        }
        assertTrue(load.failures().isEmpty(), load.failures().size() + " failed requests: " + load.failures());
        assertTrue(load.ok() > 8, "the client loop ran: " + load.ok());
    }
}
