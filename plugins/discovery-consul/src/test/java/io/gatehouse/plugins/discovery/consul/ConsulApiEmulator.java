package io.gatehouse.plugins.discovery.consul;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Emulates the Consul HTTP API semantics that {@code discovery.consul} uses — it is not a Consul, and no Consul
 * binary can be installed where these tests run. It serves {@code GET /v1/health/service/<name>} with:
 * <ul>
 *   <li>{@code passing}: only instances whose checks pass; {@code tag} (repeatable): only instances with every
 *       tag; {@code dc}: any other datacenter than its own answers 500 "No path to datacenter";</li>
 *   <li>ACLs: when a token is required, a request without {@code X-Consul-Token} or with another one answers
 *       403 "ACL not found";</li>
 *   <li>blocking queries: with {@code index} &gt; 0 the request waits until the catalog's index exceeds it or
 *       {@code wait} elapses ({@code 30s}, {@code 500ms}; default 5m), then answers the current entries; every
 *       answer carries {@code X-Consul-Index};</li>
 *   <li>entries shaped like Consul's: {@code Node{Node, Address, Datacenter, Meta}},
 *       {@code Service{ID, Service, Tags, Address, Port, Meta, Weights{Passing, Warning}}}, {@code Checks}.</li>
 * </ul>
 * It can be stopped and restarted on the same port; a restart starts the index over, like a new cluster, so a
 * client sees the index go backwards.
 */
final class ConsulApiEmulator implements AutoCloseable {

    /** One registered service instance and the node it runs on. */
    record Instance(String id, String node, String nodeAddress, Map<String, String> nodeMeta, String address,
                    int port, List<String> tags, Map<String, String> meta, int weight, boolean passing) {

        static Instance of(String id, int port) {
            return new Instance(id, "node-" + id, "127.0.0.1", Map.of(), "", port, List.of(), Map.of(), 1, true);
        }

        Instance withAddress(String serviceAddress) {
            return new Instance(id, node, nodeAddress, nodeMeta, serviceAddress, port, tags, meta, weight, passing);
        }

        Instance withTags(String... newTags) {
            return new Instance(id, node, nodeAddress, nodeMeta, address, port, List.of(newTags), meta, weight,
                    passing);
        }

        Instance withMeta(Map<String, String> newNodeMeta, Map<String, String> newMeta) {
            return new Instance(id, node, nodeAddress, newNodeMeta, address, port, tags, newMeta, weight, passing);
        }

        Instance withWeight(int newWeight) {
            return new Instance(id, node, nodeAddress, nodeMeta, address, port, tags, meta, newWeight, passing);
        }

        Instance failing() {
            return new Instance(id, node, nodeAddress, nodeMeta, address, port, tags, meta, weight, false);
        }
    }

    /** One request as the emulator saw it. */
    record Query(String path, Map<String, String> params, String token, int status) {
    }

    private static final Pattern HEALTH = Pattern.compile("/v1/health/service/([^/]+)");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String datacenter;
    private final String requiredToken;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Map<String, Instance>> services = new LinkedHashMap<>();
    private final List<Query> queries = new CopyOnWriteArrayList<>();
    private long index = 1;
    private boolean running;
    private HttpServer server;
    private int port;

    /**
     * @param datacenter    the emulated agent's datacenter
     * @param requiredToken the ACL token every request must carry, or {@code null} for no ACLs
     */
    ConsulApiEmulator(String datacenter, String requiredToken) {
        this.datacenter = datacenter;
        this.requiredToken = requiredToken;
    }

    /** Starts listening on a free loopback port, or on the same port again after {@link #stop()}. */
    ConsulApiEmulator start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        lock.lock();
        try {
            running = true;
        } finally {
            lock.unlock();
        }
        server.start();
        port = server.getAddress().getPort();
        return this;
    }

    /** Stops listening and ends the blocking queries in progress, dropping their connections. */
    void stop() {
        lock.lock();
        try {
            running = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        server.stop(0);
    }

    /** Starts again on the same port with the index started over (lower than any the client has seen). */
    void restart() throws IOException {
        lock.lock();
        try {
            index = 1;
        } finally {
            lock.unlock();
        }
        start();
    }

    @Override
    public void close() {
        stop();
    }

    /** @return the base URL, e.g. {@code http://127.0.0.1:41234} */
    String address() {
        return "http://127.0.0.1:" + port;
    }

    /** @return every request seen so far */
    List<Query> queries() {
        return List.copyOf(queries);
    }

    /** Registers (or replaces) an instance of a service; the index moves on and blocked queries return. */
    void register(String service, Instance instance) {
        change(() -> services.computeIfAbsent(service, s -> new LinkedHashMap<>()).put(instance.id(), instance));
    }

    /** Deregisters an instance of a service; the index moves on and blocked queries return. */
    void deregister(String service, String id) {
        change(() -> services.getOrDefault(service, new LinkedHashMap<>()).remove(id));
    }

    private void change(Runnable change) {
        lock.lock();
        try {
            change.run();
            index++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> params = params(exchange.getRequestURI().getRawQuery());
            String token = exchange.getRequestHeaders().getFirst("X-Consul-Token");
            Matcher health = HEALTH.matcher(exchange.getRequestURI().getPath());
            int status;
            byte[] body;
            long answerIndex;
            if (!"GET".equals(exchange.getRequestMethod()) || !health.matches()) {
                status = 404;
                body = "not emulated".getBytes(StandardCharsets.UTF_8);
                answerIndex = currentIndex();
            } else if (requiredToken != null && !requiredToken.equals(token)) {
                status = 403;
                body = "ACL not found".getBytes(StandardCharsets.UTF_8);
                answerIndex = currentIndex();
            } else if (params.containsKey("dc") && !params.get("dc").equals(datacenter)) {
                status = 500;
                body = "No path to datacenter".getBytes(StandardCharsets.UTF_8);
                answerIndex = currentIndex();
            } else {
                String service = URLDecoder.decode(health.group(1), StandardCharsets.UTF_8);
                List<Instance> instances = new ArrayList<>();
                answerIndex = awaitChange(Long.parseLong(params.getOrDefault("index", "0")),
                        parse(params.getOrDefault("wait", "5m")), service, instances);
                if (answerIndex < 0) {
                    return;   // stopped while blocking: the connection just drops
                }
                instances.removeIf(i -> params.containsKey("passing") && !i.passing()
                        || params.containsKey("tag") && !i.tags().containsAll(tags(exchange)));
                status = 200;
                body = JSON.writeValueAsBytes(entries(instances));
                exchange.getResponseHeaders().set("Content-Type", "application/json");
            }
            queries.add(new Query(exchange.getRequestURI().getPath(), params, token, status));
            exchange.getResponseHeaders().set("X-Consul-Index", Long.toString(answerIndex));
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    /**
     * Blocks while the index is not above {@code seen} (when {@code seen} &gt; 0), then copies the service's
     * instances. @return the index to answer with, or -1 if the emulator stopped meanwhile
     */
    private long awaitChange(long seen, Duration wait, String service, List<Instance> into) {
        lock.lock();
        try {
            long remaining = wait.toNanos();
            while (running && seen > 0 && index <= seen && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
            if (!running) {
                return -1;
            }
            into.addAll(services.getOrDefault(service, Map.of()).values());
            return index;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } finally {
            lock.unlock();
        }
    }

    private long currentIndex() {
        lock.lock();
        try {
            return index;
        } finally {
            lock.unlock();
        }
    }

    private ArrayNode entries(List<Instance> instances) {
        ArrayNode entries = JSON.createArrayNode();
        for (Instance instance : instances) {
            ObjectNode entry = entries.addObject();
            ObjectNode node = entry.putObject("Node");
            node.put("Node", instance.node()).put("Address", instance.nodeAddress()).put("Datacenter", datacenter);
            node.set("Meta", JSON.valueToTree(instance.nodeMeta()));
            ObjectNode service = entry.putObject("Service");
            service.put("ID", instance.id()).put("Service", "svc").put("Address", instance.address())
                    .put("Port", instance.port());
            service.set("Tags", JSON.valueToTree(instance.tags()));
            service.set("Meta", JSON.valueToTree(instance.meta()));
            service.putObject("Weights").put("Passing", instance.weight()).put("Warning", 1);
            entry.putArray("Checks").addObject().put("CheckID", "serfHealth")
                    .put("Status", instance.passing() ? "passing" : "critical");
        }
        return entries;
    }

    private static List<String> tags(HttpExchange exchange) {
        List<String> tags = new ArrayList<>();
        for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
            if (pair.startsWith("tag=")) {
                tags.add(URLDecoder.decode(pair.substring(4), StandardCharsets.UTF_8));
            }
        }
        return tags;
    }

    private static Map<String, String> params(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                params.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private static Duration parse(String wait) {
        Matcher m = DURATION.matcher(wait);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad wait '" + wait + "'");
        }
        long amount = Long.parseLong(m.group(1));
        return Duration.of(amount, switch (m.group(2)) {
            case "ms" -> TimeUnit.MILLISECONDS.toChronoUnit();
            case "s" -> TimeUnit.SECONDS.toChronoUnit();
            default -> TimeUnit.MINUTES.toChronoUnit();
        });
    }
}
