package io.gatehouse.plugins.ratelimit;

import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.LogCapture;
import io.gatehouse.core.testing.PackagedPlugin;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real gateway with this plugin's packaged JAR in front of a {@link CountingUpstream}, with the log captured. */
final class RateGateway implements AutoCloseable {

    static final String PAGE = "docs/rate-limiting.md";
    static final String ARTIFACT = "gatehouse-plugin-rate-limit";

    final CountingUpstream upstream;
    final GatewayFixture gateway;
    final LogCapture log;

    private RateGateway(CountingUpstream upstream, GatewayFixture gateway, LogCapture log) {
        this.upstream = upstream;
        this.gateway = gateway;
        this.log = log;
    }

    /** Starts a gateway on {@code yaml}, whose upstream {@code http://127.0.0.1:8081} is replaced by a real one. */
    static RateGateway start(String yaml) throws Exception {
        LogCapture log = LogCapture.of("");
        CountingUpstream upstream = CountingUpstream.start();
        try {
            return new RateGateway(upstream, GatewayFixture.start(PackagedPlugin.home(ARTIFACT),
                    withUpstream(yaml, upstream)), log);
        } catch (Exception | Error e) {
            upstream.close();
            log.close();
            throw e;
        }
    }

    /** The start of a test config: the upstream {@code api} (replaced by the real one) and {@code routes:}. */
    static final String UPSTREAM = """
            upstreams:
              api: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:8081" } ] } }
            routes:
            """;

    /** A route {@code id} for {@code /id/*rest} to {@code api}, with one filter (its YAML) or none ({@code null}). */
    static String route(String id, String filter) {
        String route = "  - id: " + id + "\n    match: { path: /" + id + "/*rest }\n    upstream: api\n";
        return filter == null ? route : route + "    filters:\n      - " + filter + "\n";
    }

    static String example(String name) throws Exception {
        String yaml = DocExample.yaml(PAGE, name);
        assertTrue(yaml.contains("http://127.0.0.1:8081"), "the example's upstream is http://127.0.0.1:8081");
        return yaml;
    }

    static String withUpstream(String yaml, CountingUpstream upstream) {
        return yaml.replace("http://127.0.0.1:8081", upstream.url());
    }

    /** Reloads with {@code yaml} (its upstream replaced) and waits until the gateway acted on it. */
    io.gatehouse.core.Gateway.ReloadStatus reload(String yaml) throws Exception {
        return gateway.reload(withUpstream(yaml, upstream));
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return gateway.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        gateway.close();
        upstream.close();
        log.close();
    }
}
