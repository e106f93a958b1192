package io.gatehouse.core.server;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard's static files, read once from the JAR ({@code io/gatehouse/core/ui/}) and served at {@code /ui}
 * on the admin listener; {@code /} redirects there. Only the files named here are served, so no request path can
 * reach any other resource. The files carry no data (the page fetches the admin API with the user's token), so they
 * need no token themselves. Every answer carries a Content-Security-Policy that allows only this origin's own
 * scripts, styles and fetches: no inline script, no third-party host.
 */
final class DashboardAssets {

    /** The path the page is served at. */
    static final String PATH = "/ui";

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    private static final String FOLDER = "/io/gatehouse/core/ui/";
    private static final HeaderName CSP = HeaderNames.create("Content-Security-Policy");
    private static final HeaderName NOSNIFF = HeaderNames.create("X-Content-Type-Options");
    private static final HeaderName FRAME_OPTIONS = HeaderNames.create("X-Frame-Options");
    private static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");

    private record Asset(byte[] body, String contentType, String etag) {
    }

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    DashboardAssets() {
        add("index.html", "text/html; charset=utf-8");
        add("api.js", "text/javascript; charset=utf-8");
        add("metrics.js", "text/javascript; charset=utf-8");
        add("app.js", "text/javascript; charset=utf-8");
        add("app.css", "text/css; charset=utf-8");
        add("favicon.svg", "image/svg+xml");
    }

    private void add(String name, String contentType) {
        try (InputStream in = DashboardAssets.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard file " + FOLDER + name + " is missing from the JAR");
            }
            byte[] body = in.readAllBytes();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            String etag = "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
            assets.put(name, new Asset(body, contentType, etag));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds {@code GET /}, {@code GET /ui}, {@code GET /ui/} and {@code GET /ui/<file>} to the admin routing. */
    void register(HttpRouting.Builder routing) {
        routing.get("/", (req, res) -> {
            secure(res);
            res.status(Status.FOUND_302);
            res.header(HeaderNames.LOCATION, PATH);
            res.send();
        });
        routing.get(PATH, (req, res) -> serve(req, res, "index.html"));
        routing.get(PATH + "/", (req, res) -> serve(req, res, "index.html"));
        routing.get(PATH + "/{file}", (req, res) -> serve(req, res, req.path().pathParameters().get("file")));
    }

    private void serve(ServerRequest req, ServerResponse res, String name) {
        Asset asset = assets.get(name);
        if (asset == null) {
            secure(res);
            AdminServer.problem(res, 404, "not_found", "the dashboard has no file " + req.path().rawPath()
                    + "; open " + PATH);
            return;
        }
        secure(res);
        res.header(HeaderNames.ETAG, asset.etag());
        // revalidated on every load, so a gateway upgrade shows its new page at once
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(asset.etag()::equals).orElse(false)) {
            res.status(Status.NOT_MODIFIED_304);
            res.send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, asset.contentType());
        res.send(asset.body());
    }

    private static void secure(ServerResponse res) {
        res.header(CSP, CONTENT_SECURITY_POLICY);
        res.header(NOSNIFF, "nosniff");
        res.header(FRAME_OPTIONS, "DENY");
        res.header(REFERRER_POLICY, "no-referrer");
    }
}
