package io.gatehouse.core.server;

import io.gatehouse.api.AdminEndpoint;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Response;
import io.gatehouse.core.plugin.Failures;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.InputStream;

/** Serves a request on a plugin's {@link AdminEndpoint}: its response sent as is, its failures as problems. */
final class PluginEndpoints {

    private static final System.Logger LOG = System.getLogger(PluginEndpoints.class.getName());
    /** An admin answer is a small document; more than this is the plugin's mistake. */
    static final int MAX_BODY = 1024 * 1024;

    private PluginEndpoints() {
    }

    static void serve(AdminEndpoint endpoint, ServerRequest req, ServerResponse res) {
        Response response;
        try {
            response = endpoint.handle(req.prologue().method().text(), req.path().rawPath(),
                    req.query().rawValue());
        } catch (GatewayException e) {
            e.headers().forEach((name, value) -> res.header(name, value));
            AdminServer.problem(res, e.status(), e.code(), e.getMessage());
            return;
        } catch (Exception | LinkageError e) {
            LOG.log(System.Logger.Level.ERROR, "admin endpoint /" + endpoint.name() + " failed: "
                    + Failures.describe(e), e);
            AdminServer.problem(res, 500, "admin_endpoint_failed", "the plugin's admin endpoint /" + endpoint.name()
                    + " failed; see the gateway's log");
            return;
        }
        byte[] body;
        try (InputStream in = response.body().stream()) {
            body = in.readNBytes(MAX_BODY + 1);
        } catch (Exception e) {
            AdminServer.problem(res, 500, "admin_endpoint_failed", "the plugin's admin endpoint /" + endpoint.name()
                    + " failed to produce its answer");
            return;
        } finally {
            try {
                response.body().close();
            } catch (Exception ignored) {
                // nothing more to read from it
            }
        }
        if (body.length > MAX_BODY) {
            AdminServer.problem(res, 500, "admin_endpoint_failed", "the plugin's admin endpoint /" + endpoint.name()
                    + " answered more than 1 MiB");
            return;
        }
        res.status(response.status());
        response.headers().forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Transfer-Encoding")) {
                res.headers().add(HeaderNames.create(name), value);
            }
        });
        res.send(body);
    }
}
