package io.gatehouse.core.script;

import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A gateway whose route {@code /NAME} runs {@code scripts/NAME.js} (at first {@link ScriptHome#versioned} 0) in
 * front of an echo backend; tests edit the script in {@link #home} and add routes with {@link #withRoutes}.
 */
final class ScriptedRoute implements AutoCloseable {

    final Backend echo;
    final Path home;
    final GatewayFixture gateway;
    private final String name;

    private ScriptedRoute(String name) throws Exception {
        this.name = name;
        this.echo = Backend.start(EchoRoutes::register);
        this.home = ScriptHome.create();
        ScriptHome.write(home, name + ".js", ScriptHome.versioned(0));
        this.gateway = GatewayFixture.start(home, config(""));
    }

    static ScriptedRoute start(String name) throws Exception {
        return new ScriptedRoute(name);
    }

    /** Rewrites the config: the script's route and {@code extraRoutes} (YAML list items, each ending in a newline). */
    void withRoutes(String extraRoutes) throws IOException {
        gateway.rewrite(config(extraRoutes));
    }

    /** The script's route has a generous per-call limit: the tests using it load the gateway, not the limit. */
    private String config(String extraRoutes) {
        return """
                upstreams:
                  echo: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: %s, match: { path: /%s }, upstream: echo, filters: [ { script: { file: %s.js, timeout: 5s } } ] }
                %s""".formatted(echo.url(), name, name, name, extraRoutes);
    }

    @Override
    public void close() {
        gateway.close();
        echo.close();
    }
}
