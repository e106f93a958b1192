package io.gatehouse.plugins.discovery.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.api.Endpoint;
import io.gatehouse.plugins.discovery.support.EndpointSource;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Follows the endpoints under one key prefix through etcd's v3 HTTP/JSON gateway: a range read
 * ({@code POST /v3/kv/range}), then a watch ({@code POST /v3/watch}, a stream of JSON messages) from the next
 * revision. When the stream breaks, the next poll watches again from the last revision seen, on the next etcd
 * member; if etcd has compacted that revision away, it reads the whole prefix again.
 */
final class EtcdPrefixWatch implements EndpointSource {

    /** How a value under the prefix is written: {@code {"url": "...", "weight": 2, "metadata": {...}}}. */
    record StoredEndpoint(String url, Integer weight, Map<String, String> metadata) {
        Endpoint toEndpoint() {
            if (url == null) {
                throw new IllegalArgumentException("no \"url\"");
            }
            return new Endpoint(URI.create(url), weight == null ? 1 : weight, metadata);
        }
    }

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final HttpClient client;
    private final EtcdConfig config;
    private final String prefix;
    private final System.Logger logger;
    private final Map<String, Endpoint> byKey = new TreeMap<>();
    /** The revision the endpoints are known up to; 0 until read, or when they must be read again. */
    private long revision;
    private int member;
    private volatile InputStream stream;

    EtcdPrefixWatch(HttpClient client, EtcdConfig config, String prefix, System.Logger logger) {
        this.client = client;
        this.config = config;
        this.prefix = prefix;
        this.logger = logger;
    }

    @Override
    public void poll(Consumer<List<Endpoint>> publish) throws Exception {
        String base = config.endpoints().get(member).replaceAll("/+$", "") + config.apiPrefix();
        try {
            if (revision == 0) {
                read(base);
                publish.accept(List.copyOf(byKey.values()));
            }
            watch(base, publish);
        } catch (IOException e) {
            member = (member + 1) % config.endpoints().size();
            throw e;
        }
    }

    @Override
    public void cancel() {
        InputStream current = stream;
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
    }

    private void read(String base) throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("key", base64(prefix)).put("range_end", base64(rangeEnd(prefix)))
                .toString();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/kv/range"))
                .timeout(config.connectTimeout().plus(READ_TIMEOUT))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("POST " + request.uri() + " answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8).strip());
        }
        JsonNode answer = JSON.readTree(response.body());
        byKey.clear();
        for (JsonNode kv : answer.path("kvs")) {
            put(kv);
        }
        revision = answer.path("header").path("revision").asLong();
    }

    /** Returns normally only when the endpoints must be read again (compaction); a broken stream throws. */
    private void watch(String base, Consumer<List<Endpoint>> publish) throws IOException, InterruptedException {
        String body = "{\"create_request\":" + JSON.createObjectNode().put("key", base64(prefix))
                .put("range_end", base64(rangeEnd(prefix))).put("start_revision", revision + 1) + "}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/watch"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            stream = in;
            if (response.statusCode() != 200) {
                throw new IOException("POST " + request.uri() + " answered " + response.statusCode() + ": "
                        + new String(in.readNBytes(500), StandardCharsets.UTF_8).strip());
            }
            MappingIterator<JsonNode> messages = JSON.readerFor(JsonNode.class).readValues(in);
            try {
                while (messages.hasNextValue()) {
                    if (!apply(messages.nextValue(), publish)) {
                        return;
                    }
                }
            } catch (IOException e) {
                throw new IOException("the watch stream from " + base + " broke: " + e.getMessage(), e);
            }
            throw new IOException("the watch stream from " + base + " ended");
        } finally {
            stream = null;
        }
    }

    /** @return false if the watch was cancelled because its start revision was compacted */
    private boolean apply(JsonNode message, Consumer<List<Endpoint>> publish) throws IOException {
        if (message.has("error")) {
            throw new IOException("etcd watch error: " + message.path("error").path("message").asText(
                    message.path("error").toString()));
        }
        JsonNode result = message.path("result");
        if (result.path("canceled").asBoolean()) {
            long compacted = result.path("compact_revision").asLong();
            if (compacted > 0) {
                logger.log(Level.INFO, () -> EtcdDiscoveryFactory.ID + " '" + prefix + "': revision " + (revision + 1)
                        + " was compacted (now " + compacted + "), reading all endpoints again");
                revision = 0;
                return false;
            }
            throw new IOException("etcd cancelled the watch: " + result.path("cancel_reason").asText("no reason"));
        }
        for (JsonNode event : result.path("events")) {
            JsonNode kv = event.path("kv");
            if ("DELETE".equals(event.path("type").asText())) {
                byKey.remove(decode(kv.path("key").asText()));
            } else {
                put(kv);
            }
            revision = Math.max(revision, kv.path("mod_revision").asLong());
        }
        // "created" too: it says the watch is up, so the loop knows etcd is healthy again
        publish.accept(List.copyOf(byKey.values()));
        return true;
    }

    private void put(JsonNode kv) {
        String key = decode(kv.path("key").asText());
        String value = decode(kv.path("value").asText(""));
        try {
            byKey.put(key, JSON.readValue(value, StoredEndpoint.class).toEndpoint());
        } catch (IOException | IllegalArgumentException e) {
            String why = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            byKey.remove(key);
            logger.log(Level.WARNING, () -> EtcdDiscoveryFactory.ID + " skips key '" + key + "': its value is not "
                    + "an endpoint like {\"url\": \"http://10.0.0.1:8080\", \"weight\": 1}: " + why);
        }
    }

    /** The end of the range holding every key that starts with {@code prefix}, as etcd's clients compute it. */
    static byte[] rangeEnd(String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end = Arrays.copyOf(end, i + 1);
                end[i]++;
                return end;
            }
        }
        return new byte[] {0};   // a prefix of only 0xff bytes: every key from it on
    }

    private static String base64(String value) {
        return base64(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String base64(byte[] value) {
        return Base64.getEncoder().encodeToString(value);
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
