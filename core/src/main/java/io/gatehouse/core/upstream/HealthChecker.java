package io.gatehouse.core.upstream;

import io.gatehouse.api.Endpoint;
import io.gatehouse.core.config.HealthConfig;
import io.helidon.common.buffers.BufferData;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Active health checks of one upstream: every interval, a GET of the check path on every endpoint, in parallel on
 * virtual threads. Verdicts go to the upstream after the configured number of passes or failures in a row.
 */
final class HealthChecker implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HealthChecker.class.getName());

    private final Upstream upstream;
    private final HealthConfig.Active config;
    private final int[] expected;
    private final HttpClient http;
    private final Thread thread;
    private volatile boolean closed;

    HealthChecker(Upstream upstream, HealthConfig.Active config) {
        this.upstream = upstream;
        this.config = config;
        this.expected = config.statusRange();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.thread = Thread.ofVirtual().name("health-" + upstream.name()).start(this::loop);
    }

    private void loop() {
        while (!closed) {
            List<Thread> probes = new ArrayList<>();
            for (Endpoint endpoint : upstream.endpoints()) {
                probes.add(Thread.ofVirtual().start(() -> upstream.activeResult(endpoint, probe(endpoint),
                        config.healthyThreshold(), config.unhealthyThreshold())));
            }
            try {
                for (Thread probe : probes) {
                    probe.join();
                }
                Thread.sleep(config.interval());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private String probe(Endpoint endpoint) {
        if ("https".equals(endpoint.url().getScheme())) {
            return probeOverTls(endpoint);
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint.id() + config.path()))
                    .timeout(config.timeout())
                    .header("User-Agent", "gatehouse-health-check")
                    .GET()
                    .build();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status >= expected[0] && status <= expected[1] ? null : "status " + status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "health check of {0} failed: {1}", endpoint.id(), e.toString());
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
    }

    /**
     * An {@code https} endpoint is probed over the upstream's own connections, so that its {@code tls} settings (CA,
     * host name, SNI, client certificate) apply to health checks as they do to requests: the JDK's HttpClient
     * could use neither another SNI name nor a CA of the upstream's own.
     */
    private String probeOverTls(Endpoint endpoint) {
        UpstreamConnection connection;
        try {
            connection = upstream.client().connection(endpoint, true);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "health check of {0} failed: {1}", endpoint.id(), e.toString());
            return e.getCause() != null ? e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage()
                    : e.toString();
        }
        try {
            connection.timeouts(System.nanoTime() + config.timeout().toNanos(), config.timeout(), config.timeout());
            String host = endpoint.port() == 443 ? endpoint.host() : endpoint.host() + ":" + endpoint.port();
            connection.writer().writeNow(BufferData.create(("GET " + config.path() + " HTTP/1.1\r\nHost: " + host
                    + "\r\nUser-Agent: gatehouse-health-check\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            String statusLine = connection.reader().readLine();
            String[] parts = statusLine.split(" ", 3);
            int status = parts.length >= 2 && parts[0].startsWith("HTTP/1.") && parts[1].matches("\\d{3}")
                    ? Integer.parseInt(parts[1]) : -1;
            if (status < 0) {
                return "not an HTTP/1.1 status line";
            }
            return status >= expected[0] && status <= expected[1] ? null : "status " + status;
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "health check of {0} failed: {1}", endpoint.id(), e.toString());
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        } finally {
            connection.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        http.close();
    }
}
