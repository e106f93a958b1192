package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.LogCapture;
import io.gatehouse.core.testing.PackagedPlugin;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real gateway with this plugin's packaged JAR, running a config example of {@code docs/auth-keys.md} against a
 * {@link RecordingUpstream}, with everything logged (by any logger) captured.
 */
final class AuthGateway implements AutoCloseable {

    static final String PAGE = "docs/auth-keys.md";

    final RecordingUpstream upstream;
    final GatewayFixture gateway;
    final LogCapture log;

    private AuthGateway(RecordingUpstream upstream, GatewayFixture gateway, LogCapture log) {
        this.upstream = upstream;
        this.gateway = gateway;
        this.log = log;
    }

    /**
     * @param example the marked example's name
     * @param files   files to write into the home first (path → the name of a marked example to write there)
     */
    static AuthGateway start(String example, Map<String, String> files) throws Exception {
        LogCapture log = LogCapture.of("");
        RecordingUpstream upstream = RecordingUpstream.start();
        try {
            Path home = PackagedPlugin.home("gatehouse-plugin-auth-apikey");
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path path = home.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.writeString(path, DocExample.yaml(PAGE, file.getValue()));
            }
            GatewayFixture gateway = GatewayFixture.start(home, config(example, upstream));
            return new AuthGateway(upstream, gateway, log);
        } catch (Exception | Error e) {
            upstream.close();
            log.close();
            throw e;
        }
    }

    static String config(String example, RecordingUpstream upstream) throws Exception {
        String yaml = DocExample.yaml(PAGE, example);
        assertTrue(yaml.contains("http://127.0.0.1:8081"), "the example's upstream is http://127.0.0.1:8081");
        return yaml.replace("http://127.0.0.1:8081", upstream.url());
    }

    /** Sends a GET with the given header name/value pairs. */
    HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(pathAndQuery));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return gateway.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asserts that no line logged so far, by any logger, holds one of the secrets. */
    void assertNothingLogged(String... secrets) {
        for (LogCapture.Line line : log.lines()) {
            String text = line + (line.thrown() == null ? "" : String.valueOf(line.thrown().getMessage()));
            for (String secret : secrets) {
                assertFalse(text.contains(secret), "a secret was logged: " + line);
            }
        }
    }

    /** Asserts that exactly one INFO line mentions the request and says {@code text}. */
    void assertRefusalLogged(HttpResponse<String> response, String text) {
        String id = response.headers().firstValue("x-request-id").orElseThrow();
        assertEquals(1, log.lines().stream().filter(line -> line.message().contains("request " + id)
                        && line.message().contains(text) && line.level() == java.util.logging.Level.INFO).count(),
                "one log line for request " + id + " saying " + text + ": " + log.lines());
    }

    @Override
    public void close() {
        gateway.close();
        upstream.close();
        log.close();
    }
}
