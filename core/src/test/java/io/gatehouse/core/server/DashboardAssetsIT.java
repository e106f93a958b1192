package io.gatehouse.core.server;

import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's files on the admin listener, over HTTP without a browser: their content types and security
 * headers, no file but the known ones (whatever the path spelling), served without the admin token while the data
 * endpoints still require it.
 */
class DashboardAssetsIT {

    /** A route {@code r} to an upstream {@code up} that nothing listens on: something for the page to list. */
    static final String ONE_ROUTE = """
            upstreams:
              up: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:9" } ] } }
            routes:
              - { id: r, match: { path: /r }, upstream: up }
            """;
    private static final String TOKEN = "d4shb0ard-test-token-5e81c0a9";
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = GatewayFixture.start("admin: { port: 0, token: " + TOKEN + " }\n" + ONE_ROUTE);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.adminUri(path));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return gateway.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    record Asset(String path, String contentType, String contains) {
    }

    static List<Asset> assets() {
        return List.of(
                new Asset("/ui", "text/html; charset=utf-8", "<script src=\"/ui/api.js\""),
                new Asset("/ui/", "text/html; charset=utf-8", "<script src=\"/ui/api.js\""),
                new Asset("/ui/index.html", "text/html; charset=utf-8", "<title>Gatehouse</title>"),
                new Asset("/ui/api.js", "text/javascript; charset=utf-8", "function api("),
                new Asset("/ui/metrics.js", "text/javascript; charset=utf-8", "function parsePrometheus("),
                new Asset("/ui/app.js", "text/javascript; charset=utf-8", "function poll("),
                new Asset("/ui/app.css", "text/css; charset=utf-8", "svg.spark"),
                new Asset("/ui/favicon.svg", "image/svg+xml", "<svg"));
    }

    @ParameterizedTest
    @MethodSource("assets")
    void everyFileIsServedWithoutTheTokenWithItsTypeAndTheSecurityHeaders(Asset asset) throws Exception {
        HttpResponse<String> response = get(asset.path());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(asset.contentType(), response.headers().firstValue("content-type").orElse(""));
        assertTrue(response.body().contains(asset.contains()), response.body());
        assertEquals(DashboardAssets.CONTENT_SECURITY_POLICY,
                response.headers().firstValue("content-security-policy").orElse(""));
        assertEquals("nosniff", response.headers().firstValue("x-content-type-options").orElse(""));
        assertEquals("DENY", response.headers().firstValue("x-frame-options").orElse(""));
        assertEquals("no-cache", response.headers().firstValue("cache-control").orElse(""));
        String etag = response.headers().firstValue("etag").orElseThrow();

        HttpResponse<String> again = get(asset.path(), "If-None-Match", etag);
        assertEquals(304, again.statusCode());
        assertEquals("", again.body());
    }

    @Test
    void theCspAllowsNoInlineScriptOrThirdPartyHostAndThePageNeedsNone() throws Exception {
        String csp = DashboardAssets.CONTENT_SECURITY_POLICY;
        assertTrue(csp.startsWith("default-src 'self';"), csp);
        assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval") || csp.contains("http")
                || csp.contains("*") || csp.contains("data:"), csp);

        String html = get("/ui").body();
        Matcher scripts = Pattern.compile("<script\\b[^>]*>").matcher(html);
        int count = 0;
        while (scripts.find()) {
            count++;
            assertTrue(scripts.group().contains("src=\"/ui/"), "only the page's own script file: " + scripts.group());
        }
        assertEquals(3, count, html);
        assertFalse(Pattern.compile("\\son[a-z]+\\s*=|\\sstyle\\s*=|<style|javascript:|https?://(?!www\\.w3\\.org)",
                Pattern.CASE_INSENSITIVE).matcher(html).find(), "no inline handler, style or remote URL");
        String js = get("/ui/api.js").body() + get("/ui/metrics.js").body() + get("/ui/app.js").body();
        assertFalse(js.contains("innerHTML") || js.contains("outerHTML") || js.contains("insertAdjacentHTML")
                || js.contains("document.write") || js.contains("eval(") || js.contains("new Function"),
                "API values are drawn as text, never parsed as HTML or code");
    }

    @Test
    void theRootRedirectsToThePage() throws Exception {
        HttpResponse<String> response = get("/");
        assertEquals(302, response.statusCode());
        assertEquals("/ui", response.headers().firstValue("location").orElse(""));
    }

    @Test
    void theDataEndpointsStillRequireTheToken() throws Exception {
        HttpResponse<String> without = get("/routes");
        assertEquals(401, without.statusCode());
        assertProblem(without, "unauthorized");
        assertEquals(401, get("/routes", "Authorization", "Bearer wrong-" + TOKEN).statusCode());
        HttpResponse<String> with = get("/routes", "Authorization", "Bearer " + TOKEN);
        assertEquals(200, with.statusCode(), with.body());
        assertTrue(with.body().contains("\"id\" : \"r\""), with.body());
    }

    @Test
    void aNameThatIsNoDashboardFileIsNotFound() throws Exception {
        for (String path : List.of("/ui/app.JS", "/ui/nothing.js", "/ui/DashboardAssets.class", "/ui/index.html/",
                "/ui/app.js/x", "/ui/.htaccess")) {
            HttpResponse<String> response = get(path);
            assertEquals(404, response.statusCode(), path);
            assertProblem(response, "not_found");
        }
    }

    /** Sent byte for byte: a client library would normalise some of these before sending. */
    static List<String> traversals() {
        return List.of("/ui/../../../../etc/passwd", "/ui/..%2f..%2f..%2fetc%2fpasswd", "/ui/%2e%2e/%2e%2e/etc/passwd",
                "/ui/..%5c..%5cetc%5cpasswd", "/ui/app.js%00.html", "/ui/%2fetc%2fpasswd",
                "/ui/..%2fserver%2fDashboardAssets.class", "/ui/..%2Fui%2Fapp.js", "/ui//etc/passwd",
                "/ui/io/gatehouse/core/ui/app.js", "/ui/%2e%2e%2fMETA-INF%2fMANIFEST.MF");
    }

    @ParameterizedTest
    @MethodSource("traversals")
    void noPathSpellingReachesAnotherFile(String path) throws Exception {
        try (RawClient client = RawClient.connect(gateway.adminUri("/"))) {
            RawClient.RawResponse response = client.send("GET " + path + " HTTP/1.1\r\nHost: admin\r\n"
                    + "Connection: close\r\n\r\n").read();
            assertTrue(response.status() >= 400 && response.status() < 500,
                    path + " -> " + response.status() + " " + response.bodyText());
            String body = response.bodyText();
            assertFalse(body.contains("root:") || body.contains("'use strict';") || body.contains("Manifest")
                    || body.contains("\u00ca\u00fe\u00ba\u00be"), path + " -> " + body);
        }
    }

    @Test
    void onlyGetIsAnswered() throws Exception {
        HttpResponse<String> response = gateway.client().send(HttpRequest.newBuilder(gateway.adminUri("/ui"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, response.statusCode(), response.body());
        assertFalse(response.body().contains("<html"), response.body());
    }
}
