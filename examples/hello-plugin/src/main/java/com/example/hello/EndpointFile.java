package com.example.hello;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.ServiceDiscovery;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/** One service's endpoints in a YAML file, polled on a virtual thread while watched. */
final class EndpointFile {

    private final Path file;
    private final String service;
    private final Duration interval;
    private final System.Logger log;

    EndpointFile(Path file, String service, Duration interval, System.Logger log) {
        this.file = file;
        this.service = service;
        this.interval = interval;
        this.log = log;
    }

    /** Reads the file now, tells {@code onChange}, and again whenever the list changes, until closed. */
    ServiceDiscovery.Subscription watch(Consumer<List<Endpoint>> onChange) {
        List<Endpoint> first = readOrKeep(null);
        if (first != null) {
            onChange.accept(first);
        }
        Thread poller = Thread.ofVirtual().name("hello-file " + service).start(() -> {
            List<Endpoint> last = first;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
                List<Endpoint> now = readOrKeep(last);
                if (now != null && !now.equals(last)) {
                    last = now;
                    onChange.accept(now);
                }
            }
        });
        return () -> {
            poller.interrupt();
            try {
                poller.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** @return the file's list, or {@code last} (logged) when the file cannot be read or is malformed */
    private List<Endpoint> readOrKeep(List<Endpoint> last) {
        try {
            return parse(Files.readString(file), service);
        } catch (IOException | RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "{0}: keeping the last endpoints of {1}: {2}", file, service,
                    e.toString());
            return last;
        }
    }

    /**
     * @return the endpoints the YAML text lists under {@code service}; none when it has no such key
     * @throws IllegalArgumentException if an entry has no url, or a malformed one
     */
    static List<Endpoint> parse(String yaml, String service) {
        Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        Object entries = root instanceof Map<?, ?> map ? map.get(service) : null;
        List<Endpoint> endpoints = new ArrayList<>();
        if (entries instanceof List<?> list) {
            for (Object entry : list) {
                Map<?, ?> fields = (Map<?, ?>) entry;
                Object weight = fields.get("weight");
                endpoints.add(new Endpoint(URI.create(Objects.requireNonNull(fields.get("url"), "url").toString()),
                        weight == null ? 1 : ((Number) weight).intValue(), Map.of()));
            }
        }
        return List.copyOf(endpoints);
    }
}
