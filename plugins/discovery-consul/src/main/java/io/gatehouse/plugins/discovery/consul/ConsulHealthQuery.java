package io.gatehouse.plugins.discovery.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.api.Endpoint;
import io.gatehouse.plugins.discovery.support.EndpointSource;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Follows one service through Consul's health API, {@code GET /v1/health/service/<name>?passing=true}, with
 * blocking queries: each request carries the {@code X-Consul-Index} of the last answer and returns when the
 * instances change or {@code wait} elapses. An index that goes backwards (a Consul restore or a new cluster) or is
 * not positive starts over from 0, as Consul's documentation asks.
 */
final class ConsulHealthQuery implements EndpointSource {

    /** Consul adds up to wait/16 of jitter; the rest is slack for a slow answer. */
    private static final Duration SLACK = Duration.ofSeconds(5);
    /** Without a usable index a query cannot block; this keeps such a loop from spinning. */
    private static final Duration NO_INDEX_PAUSE = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final ConsulConfig config;
    private final String service;
    private final System.Logger logger;
    private final Set<String> reportedBadInstances = new HashSet<>();
    private long index;

    ConsulHealthQuery(HttpClient client, ConsulConfig config, String service, System.Logger logger) {
        this.client = client;
        this.config = config;
        this.service = service;
        this.logger = logger;
    }

    @Override
    public void poll(Consumer<List<Endpoint>> publish) throws Exception {
        HttpResponse<byte[]> response = client.send(request(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            String body = new String(response.body(), StandardCharsets.UTF_8).strip();
            throw new IOException("GET " + response.uri().getPath() + " answered " + response.statusCode()
                    + (body.isEmpty() ? "" : ": " + (body.length() > 200 ? body.substring(0, 200) + "..." : body)));
        }
        List<Endpoint> endpoints = endpoints(JSON.readTree(response.body()));
        long answered = response.headers().firstValueAsLong("X-Consul-Index").orElse(0);
        boolean usable = answered > 0 && answered >= index;
        index = usable ? answered : 0;
        publish.accept(endpoints);
        if (answered <= 0) {
            Thread.sleep(NO_INDEX_PAUSE);
        }
    }

    /** @return the long index of the last answer, 0 before the first or after a reset (for tests) */
    long index() {
        return index;
    }

    private HttpRequest request() {
        StringBuilder uri = new StringBuilder(config.address().replaceAll("/+$", ""))
                .append("/v1/health/service/").append(encode(service)).append("?passing=true");
        if (config.datacenter() != null) {
            uri.append("&dc=").append(encode(config.datacenter()));
        }
        if (config.tag() != null) {
            uri.append("&tag=").append(encode(config.tag()));
        }
        Duration timeout = config.connectTimeout().plus(SLACK);
        if (index > 0) {
            uri.append("&index=").append(index).append("&wait=").append(config.waitTime().toMillis()).append("ms");
            timeout = timeout.plus(config.waitTime()).plus(config.waitTime().dividedBy(16));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri.toString())).timeout(timeout).GET();
        if (config.token() != null) {
            request.header("X-Consul-Token", config.token());
        }
        return request.build();
    }

    private List<Endpoint> endpoints(JsonNode entries) throws IOException {
        if (!entries.isArray()) {
            throw new IOException("expected a JSON array of service entries, got " + entries.getNodeType());
        }
        List<Endpoint> endpoints = new ArrayList<>();
        Set<String> bad = new HashSet<>();
        for (JsonNode entry : entries) {
            JsonNode node = entry.path("Node");
            JsonNode instance = entry.path("Service");
            String address = instance.path("Address").asText("");
            if (address.isEmpty()) {
                address = node.path("Address").asText("");
            }
            int port = instance.path("Port").asInt(0);
            int weight = instance.path("Weights").path("Passing").asInt(1);
            Map<String, String> metadata = new HashMap<>();
            node.path("Meta").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
            instance.path("Meta").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
            try {
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("no usable port");
                }
                URI url = new URI(config.scheme(), null, address, port, null, null, null);
                endpoints.add(new Endpoint(url, weight, metadata));
            } catch (URISyntaxException | IllegalArgumentException e) {
                bad.add("instance '" + instance.path("ID").asText() + "' on node '" + node.path("Node").asText()
                        + "' (address '" + address + "', port " + port + ", weight " + weight + "): "
                        + e.getMessage());
            }
        }
        reportBadInstances(bad);
        return endpoints;
    }

    /** Logs each unusable instance once, not on every answer that still lists it. */
    private void reportBadInstances(Set<String> bad) {
        for (String problem : bad) {
            if (!reportedBadInstances.contains(problem)) {
                logger.log(Level.WARNING, () -> ConsulDiscoveryFactory.ID + " '" + service + "' skips " + problem);
            }
        }
        reportedBadInstances.retainAll(bad);
        reportedBadInstances.addAll(bad);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
