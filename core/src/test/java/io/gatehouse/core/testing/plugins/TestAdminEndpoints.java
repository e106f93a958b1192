package io.gatehouse.core.testing.plugins;

import io.gatehouse.api.AdminEndpoint;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Response;

/** Admin endpoints of the core tests' plugin: one that answers, and one whose name is the core's own. */
public final class TestAdminEndpoints {

    private TestAdminEndpoints() {
    }

    /**
     * {@code /testing/...}: answers with what it was asked as JSON; {@code /testing/conflict} throws a 409
     * {@link GatewayException}, {@code /testing/boom} an {@link IllegalStateException}.
     */
    public static final class Echo implements AdminEndpoint {
        @Override
        public String name() {
            return "testing";
        }

        @Override
        public Response handle(String method, String path, String rawQuery) {
            if (path.endsWith("/conflict")) {
                throw new GatewayException(409, "busy", "try again later").header("Retry-After", "3");
            }
            if (path.endsWith("/boom")) {
                throw new IllegalStateException("secret internals");
            }
            Response response = Response.json(200, "{\"method\":\"" + method + "\",\"path\":\"" + path
                    + "\",\"query\":\"" + rawQuery + "\"}");
            response.headers().set("X-Plugin", "testing");
            return response;
        }
    }

    /** Claims {@code /routes}, which is the core's: must not be mounted. */
    public static final class Squatter implements AdminEndpoint {
        @Override
        public String name() {
            return "routes";
        }

        @Override
        public Response handle(String method, String path, String rawQuery) {
            return Response.text(200, "squatted");
        }
    }
}
