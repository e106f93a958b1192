package io.gatehouse.core.script;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static io.gatehouse.core.testing.EchoRoutes.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The webhook example of docs/scripting.md through a gateway, as the page shows it: verify-webhook.js and
 * sign-request.js, two filters sharing the helper module lib/hmac.js; the signatures are checked against the
 * JDK's HMAC.
 */
class ScriptWebhookIT {

    private static Backend echo;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        echo = Backend.start(EchoRoutes::register);
        String page = Files.readString(Path.of("..", "docs", "scripting.md"));
        Matcher block = Pattern.compile("<!-- example: scripting-webhook -->\\s*```yaml\\n(.*?)```", Pattern.DOTALL)
                .matcher(page);
        assertTrue(block.find(), "docs/scripting.md has no scripting-webhook example");
        gateway = GatewayFixture.start(ScriptHome.create(), block.group(1).replace("http://127.0.0.1:8081", echo.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        echo.close();
    }

    private static String hmac(String secret, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> post(String body, String signature) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri("/hooks/github"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return gateway.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aWebhookSignedWithTheSecretGoesUpstreamAndAnyOtherIsRefused() throws Exception {
        String body = "{\"action\":\"opened\",\"text\":\"caf\u00e9\"}";
        HttpResponse<String> signed = post(body, "sha256=" + hmac("It's a Secret to Everybody", body));
        assertEquals(200, signed.statusCode(), signed.body());
        assertEquals(body, JSON.readTree(signed.body()).get("body").asText());

        for (String wrong : new String[] { "sha256=" + hmac("another secret", body), "sha256=", "garbage", null }) {
            HttpResponse<String> refused = post(body, wrong);
            assertEquals(401, refused.statusCode(), wrong + ": " + refused.body());
            assertEquals("{\"error\":\"bad or missing signature\"}", refused.body());
        }
    }

    @Test
    void signRequestSignsWhatGoesUpstreamWithTheSharedHelper() throws Exception {
        JsonNode echoed = JSON.readTree(gateway.get("/internal/orders").body());
        JsonNode headers = echoed.get("headers");
        String timestamp = header(headers, "X-Gatehouse-Timestamp");
        assertFalse(timestamp.isEmpty(), echoed.toString());
        assertEquals("sha256=" + hmac("s3cr3t", "GET\n/internal/orders\n" + timestamp),
                header(headers, "X-Gatehouse-Signature"), echoed.toString());
    }

    private static String header(JsonNode headers, String name) {
        for (var names = headers.fieldNames(); names.hasNext(); ) {
            String candidate = names.next();
            if (candidate.equalsIgnoreCase(name)) {
                JsonNode value = headers.get(candidate);
                return value.isArray() ? value.get(0).asText() : value.asText();
            }
        }
        return "";
    }
}
