package io.gatehouse.core.server;

import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.HeadlessChromium;
import io.gatehouse.core.testing.plugins.FaultPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in a real headless chromium: it loads with no console error, shows the routes and their filters,
 * a route added while it is open, an endpoint turning unhealthy when its backend stops, asks for the admin token
 * and shows a refused write; a read-write token edits and deletes a route. Writes screenshots to
 * {@code target/dashboard.png} and {@code target/dashboard-editor.png}.
 */
class DashboardIT {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T opened(T resource) {
        open.add(resource);
        return resource;
    }

    private Backend backend(String name, int port) {
        return Backend.startOn(port, routing -> routing
                .get("/health", (req, res) -> res.send("ok"))
                .get("/*", (req, res) -> {
                    if (req.path().path().endsWith("/fail")) {
                        res.status(503);
                    }
                    res.send(name);
                }));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The docs' example on the backends' ports, with a scripted route and one whose id is markup. */
    private static String config(int portA, int portB, String extraRoute) throws Exception {
        return DocExample.yaml("docs/dashboard.md", "dashboard-health")
                .replace("127.0.0.1:8081", "127.0.0.1:" + portA)
                .replace("127.0.0.1:8082", "127.0.0.1:" + portB)
                + "  - { id: scripted, match: { path: /s }, upstream: beta, filters: [ { script: guard.js } ] }\n"
                + "  - { id: \"<img src=x onerror=alert(1)>&amp;\", match: { path: /markup }, upstream: alpha }\n"
                + extraRoute;
    }

    @Test
    void thePageShowsRoutesANewRouteAndAnEndpointGoingDownWithoutConsoleErrors() throws Exception {
        int portA = freePort();
        int portB = freePort();
        opened(backend("alpha", portA));
        Backend beta = opened(backend("beta", portB));
        Path home = FaultPlugins.home(); // a plugin the page lists, and a broken one whose problem it shows
        Files.writeString(home.resolve("plugins/broken<b>-1.0.0.jar"), "not a zip");
        writeScript(home, GUARD);
        GatewayFixture gateway = opened(GatewayFixture.start(home, config(portA, portB, "")));
        HeadlessChromium chromium = opened(HeadlessChromium.start());
        for (int i = 0; i < 20; i++) {
            assertEquals("alpha", gateway.get("/a/x").body());
            assertEquals("beta", gateway.get("/b/x").body());
            gateway.get("/s"); // a script's first runs may time out on a loaded machine: not what this test is about
        }

        chromium.driver().get(gateway.adminUri("/").toString());
        assertEquals(gateway.adminUri("/ui").toString(), chromium.driver().getCurrentUrl(), "/ redirects to /ui");
        chromium.awaitText("tr[data-route='to-alpha']", text -> text.startsWith("to-alpha ANY /a/*rest alpha"));
        chromium.awaitText("tr[data-route='to-alpha'] td.filters", "request_id strip_prefix");
        chromium.awaitText("tr[data-route='to-beta']", text -> text.startsWith("to-beta GET /b/*rest beta"));
        chromium.awaitText("tr[data-route='to-beta'] td.filters", "request_id");
        chromium.awaitText("tr[data-route='scripted'] td.filters", "request_id script");
        chromium.awaitText("tr[data-endpoint='http://127.0.0.1:" + portB + "'] td.health", "healthy");
        chromium.awaitText("tr[data-endpoint='http://127.0.0.1:" + portA + "'] td.health", "healthy");

        chromium.awaitText("tr[data-plugin='faults']", text -> text.startsWith("faults 1.0.0"));
        chromium.awaitText("#plugin-problems li", text -> text.contains("broken<b>-1.0.0.jar"));

        String betaEndpoint = "tr[data-endpoint='http://127.0.0.1:" + portB + "'] ";
        chromium.awaitText(betaEndpoint + "td.circuit", "closed");
        assertEquals(503, gateway.get("/b/fail").statusCode());
        chromium.awaitText(betaEndpoint + "td.circuit", "open");
        chromium.awaitText("tr[data-endpoint='http://127.0.0.1:" + portA + "'] td.circuit", "\u2014"); // none

        // a route id is drawn as text
        String markup = "<img src=x onerror=alert(1)>&amp;";
        chromium.awaitText("tr[data-route='" + markup + "'] td", markup);
        assertTrue(chromium.driver().findElements(By.cssSelector("main img")).isEmpty(), "no markup from the API");

        addRoute(gateway, portA, portB);
        chromium.awaitText("tr[data-route='added']", text -> text.startsWith("added ANY /added alpha"));

        writeScript(home, "export function filter(exchange, chain) {\n  return chain.proceed(exchange\n}"
                + " // <i>x</i>\n");
        chromium.awaitText("tr[data-script='guard.js'] td.error", text -> text.contains("guard.js:3"));
        assertTrue(chromium.driver().findElements(By.cssSelector("main i, main b")).isEmpty(),
                "no markup from the API");

        if (servesRequestMetrics(gateway)) {
            for (int i = 0; i < 50; i++) {
                gateway.get("/a/x");
            }
            chromium.awaitText("tr[data-route='to-alpha'] td.rate",
                    text -> text.matches("[0-9.]+") && !text.matches("[0.]+"));
            chromium.awaitText("tr[data-route='to-alpha'] td.p99", text -> text.endsWith("ms") || text.endsWith("s"));
        }

        beta.close();
        chromium.awaitText("tr[data-endpoint='http://127.0.0.1:" + portB + "'] td.health", "unhealthy");
        chromium.awaitText("tr[data-endpoint='http://127.0.0.1:" + portA + "'] td.health", "healthy");

        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target/dashboard.png"), chromium.driver().getScreenshotAs(OutputType.BYTES));

        chromium.driver().executeScript("console.error('dashboard-it probe')");
        List<String> errors = errors(chromium.console(), absentEndpoints(gateway, null));
        assertEquals(1, errors.size(), "console errors: " + errors);
        assertTrue(errors.getFirst().contains("dashboard-it probe"), "the console is read: " + errors);
    }

    @Test
    void theRateErrorShareAndP99AreComputedFromScrapesAsPrometheusWould() throws Exception {
        GatewayFixture gateway = opened(GatewayFixture.start(DashboardAssetsIT.ONE_ROUTE));
        HeadlessChromium chromium = opened(HeadlessChromium.start());
        chromium.driver().get(gateway.adminUri("/ui").toString());
        chromium.await("tr[data-route='r']");
        String before = """
                # TYPE gatehouse_requests_total counter
                gatehouse_requests_total{route="q\\"d",method="GET",status_class="2xx"} 10
                gatehouse_request_duration_seconds_bucket{route="q\\"d",le="0.01"} 10
                gatehouse_request_duration_seconds_bucket{route="q\\"d",le="0.1"} 10
                gatehouse_request_duration_seconds_bucket{route="q\\"d",le="0.5"} 10
                gatehouse_request_duration_seconds_bucket{route="q\\"d",le="+Inf"} 10
                """;
        String after = """
                # HELP gatehouse_requests_total requests
                gatehouse_requests_total{route="q\\"d",method="GET",status_class="2xx"} 90.0
                gatehouse_requests_total{route="q\\"d",method="POST",status_class="5xx"} 10.0 1700000000000
                gatehouse_requests_total{route="other",method="GET",status_class="2xx"} NaN
                gatehouse_requests_total{route="broken",method="GET" 5
                gatehouse_request_duration_seconds_bucket{route="q\\"d",le="0.01"} 60
                gatehouse_request_duration_seconds_bucket{route="q\\"d",le="0.1"} 95
                gatehouse_request_duration_seconds_bucket{route="q\\"d",le="0.5"} 100
                gatehouse_request_duration_seconds_bucket{route="q\\"d",le="+Inf"} 100
                gatehouse_request_duration_seconds_count{route="q\\"d"} 100
                """;
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) chromium.driver().executeScript("""
                const then = reduceScrape(parsePrometheus(arguments[0]), 0).routes.get('q"d');
                const now = reduceScrape(parsePrometheus(arguments[1]), 2000);
                const route = now.routes.get('q"d');
                const p99 = quantile(0.99, route.buckets, then.buckets);
                return { routes: [...now.routes.keys()].join(','), total: route.total, errors: route.errors,
                         p99: formatLatency(p99), p50: formatLatency(quantile(0.5, route.buckets, then.buckets)),
                         restarted: formatLatency(quantile(0.99, route.buckets, new Map())),
                         share: formatShare(route.errors / (route.total - then.total)) };
                """, before, after);
        assertEquals("q\"d", result.get("routes"), "the NaN sample and the malformed line are left out");
        assertEquals(100L, ((Number) result.get("total")).longValue());
        assertEquals(10L, ((Number) result.get("errors")).longValue());
        // of the 90 new requests, 50 are under 10 ms, 35 more under 100 ms, 5 more under 500 ms: the 89.1st
        // is in the last bucket, 4.1/5 of the way from 100 to 500 ms; the 45th is 45/50 of the way to 10 ms
        assertEquals("428 ms", result.get("p99"));
        assertEquals("9.0 ms", result.get("p50"));
        assertEquals("420 ms", result.get("restarted"));
        assertEquals("11 %", result.get("share"));
    }

    @Test
    void aReadOnlyTokenSeesThePageAndGets403OnWritesAReadWriteTokenReloadsEditsAndDeletesARoute() throws Exception {
        GatewayFixture gateway = opened(GatewayFixture.start("""
                admin:
                  port: 0
                  tokens:
                    - { name: ops, token: %s, access: read_write }
                    - { name: viewer, token: %s, access: read_only }
                """.formatted(READ_WRITE, READ_ONLY) + DashboardAssetsIT.ONE_ROUTE
                + "  - { id: other, match: { path: /other }, upstream: up }\n"));
        HeadlessChromium chromium = opened(HeadlessChromium.start());
        chromium.driver().get(gateway.adminUri("/ui").toString());
        WebElement login = chromium.await("#login");
        chromium.await(driver -> login.isDisplayed());
        assertTrue(chromium.driver().findElements(By.cssSelector("tr[data-route]")).isEmpty());

        signIn(chromium, "wrong-" + READ_ONLY);
        chromium.awaitText("#login p", "The admin API refused this token.");
        signIn(chromium, READ_ONLY);
        chromium.awaitText("tr[data-route='r']", text -> text.startsWith("r ANY /r up"));
        assertFalse(login.isDisplayed());
        assertEquals(READ_ONLY, chromium.driver().executeScript(
                "return sessionStorage.getItem('gatehouse.admin.token')"), "kept in the tab");

        chromium.click("reload");
        String refused = "Reload failed: 403: " + detail(send(gateway, "POST", "/reload", READ_ONLY, null));
        chromium.awaitText("#message", text -> text.startsWith(refused));
        Thread.sleep(2 * 2000); // two polls later the refusal is still on screen: it stays until the next write
        assertTrue(chromium.driver().findElement(By.id("message")).getText().startsWith(refused));

        loadInEditor(chromium, "r");
        chromium.click("editor-save");
        chromium.awaitText("#message", text -> text.startsWith("Saving route r failed: 403: "));

        chromium.click("signout");
        signIn(chromium, READ_WRITE);
        chromium.click("reload");
        chromium.awaitText("#message", text -> text.matches("Reload done: generation \\d+\\."));

        loadInEditor(chromium, "r");
        String edited = editorText(chromium).replace("\"/r\"", "\"/edited\"");
        setEditorText(chromium, edited);
        chromium.click("editor-save");
        chromium.awaitText("#message", "Saved route r.");
        chromium.awaitText("tr[data-route='r']", text -> text.startsWith("r ANY /edited up"));
        assertTrue(Files.readString(gateway.configFile()).contains("/edited"), "written to the config file");

        loadInEditor(chromium, "r");
        HttpResponse<String> behindItsBack = send(gateway, "DELETE", "/routes/other", READ_WRITE, null);
        assertEquals(200, behindItsBack.statusCode() / 100 * 100, behindItsBack.body());
        setEditorText(chromium, editorText(chromium).replace("\"/edited\"", "\"/lost\""));
        chromium.click("editor-save");
        chromium.awaitText("#message", text -> text.startsWith("Saving route r failed: 412: "));
        assertFalse(Files.readString(gateway.configFile()).contains("/lost"), "a stale edit is not written");

        setEditorText(chromium, "{ \"match\": { \"path\": \"no-slash\" }, \"upstream\": \"nowhere\" }");
        chromium.driver().findElement(By.id("editor-new")).sendKeys("broken");
        chromium.click("editor-save");
        // every problem of the refused body is listed, by its path
        chromium.awaitText("#message li", text -> text.contains("upstream") && text.contains("nowhere"));

        chromium.driver().findElement(By.id("editor-new")).clear();
        loadInEditor(chromium, "r");
        chromium.click("editor-delete");
        Alert confirm = chromium.await(ExpectedConditions.alertIsPresent());
        assertEquals("Delete route r?", confirm.getText());
        confirm.accept();
        chromium.awaitText("#message", "Deleted route r.");
        chromium.await(driver -> driver.findElements(By.cssSelector("tr[data-route='r']")).isEmpty());
        assertFalse(Files.readString(gateway.configFile()).contains("/edited"), "deleted from the config file");

        List<String> unexpected = errors(chromium.console(), absentEndpoints(gateway, READ_ONLY)).stream()
                .filter(message -> !message.matches("\\S+ - Failed to load resource: the server responded with a "
                        + "status of (400|401|403|412|422) .*"))
                .toList();
        assertTrue(unexpected.isEmpty(), "only the refused requests are logged: " + unexpected);
        Files.write(Path.of("target/dashboard-editor.png"), chromium.driver().getScreenshotAs(OutputType.BYTES));
    }

    private static final String READ_WRITE = "rw-7f3a9c1e5b2d4086a1c3e5f7";
    private static final String READ_ONLY = "ro-0b8d6f4a2c9e7153bd5f3a1c";

    private static HttpResponse<String> send(GatewayFixture gateway, String method, String path, String token,
                                             String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.adminUri(path))
                .header("Authorization", "Bearer " + token)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return gateway.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String detail(HttpResponse<String> problem) throws Exception {
        return EchoRoutes.JSON.readTree(problem.body()).get("detail").asText();
    }

    private static void loadInEditor(HeadlessChromium chromium, String id) {
        new Select(chromium.driver().findElement(By.id("editor-route"))).selectByValue(id);
        chromium.click("editor-load");
        chromium.awaitText("#message", "Loaded route " + id + ".");
    }

    private static String editorText(HeadlessChromium chromium) {
        return chromium.driver().findElement(By.id("editor-body")).getDomProperty("value");
    }

    private static void setEditorText(HeadlessChromium chromium, String text) {
        WebElement editor = chromium.driver().findElement(By.id("editor-body"));
        editor.clear();
        editor.sendKeys(text);
    }

    private static void signIn(HeadlessChromium chromium, String token) {
        WebElement field = chromium.driver().findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
        chromium.driver().findElement(By.cssSelector("#login button[type=submit]")).click();
    }

    private static final String GUARD = """
            export function filter(exchange, chain) {
                return chain.proceed(exchange);
            }
            """;

    /** Writes scripts/guard.js as editors do: a new file renamed over the old. */
    private static void writeScript(Path home, String source) throws Exception {
        Files.createDirectories(home.resolve("scripts"));
        Path temp = home.resolve("scripts/guard.js.tmp");
        Files.writeString(temp, source);
        Files.move(temp, home.resolve("scripts/guard.js"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** Whether this build's gateway has the request metrics the page charts (another part of issue 11 adds them). */
    private static boolean servesRequestMetrics(GatewayFixture gateway) throws Exception {
        HttpResponse<String> metrics = gateway.admin("/metrics");
        return metrics.statusCode() == 200 && metrics.body().contains("gatehouse_requests_total");
    }

    /** PUT /routes/{id} where the admin API has it; otherwise the config file is rewritten and hot-reloaded. */
    private static void addRoute(GatewayFixture gateway, int portA, int portB) throws Exception {
        String route = "{\"id\":\"added\",\"match\":{\"path\":\"/added\"},\"upstream\":\"alpha\"}";
        HttpResponse<String> put = gateway.client().send(HttpRequest.newBuilder(gateway.adminUri("/routes/added"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(route)).build(), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() == 404 || put.statusCode() == 405) {
            assertTrue(gateway.reload(config(portA, portB,
                    "  - { id: added, match: { path: /added }, upstream: alpha }\n"))
                    .problems().isEmpty());
        } else {
            assertTrue(put.statusCode() / 100 == 2, put.statusCode() + " " + put.body());
        }
        assertEquals("alpha", gateway.get("/added").body());
    }

    /** The admin paths the page asks for that this gateway does not serve (each 404s once in the console). */
    private static List<String> absentEndpoints(GatewayFixture gateway, String token) throws Exception {
        List<String> absent = new ArrayList<>();
        for (String path : List.of("/metrics", "/config/status", "/plugins", "/scripts")) {
            HttpRequest.Builder request = HttpRequest.newBuilder(gateway.adminUri(path));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            if (gateway.client().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 404) {
                absent.add(path);
            }
        }
        return absent;
    }

    /** Console errors, leaving out the 404s of endpoints this build's gateway does not have (yet). */
    private static List<String> errors(List<LogEntry> console, List<String> absent) {
        return console.stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::getMessage)
                .filter(message -> absent.stream().noneMatch(path -> message.contains(path + " ")
                        && message.contains("404")))
                .toList();
    }
}
