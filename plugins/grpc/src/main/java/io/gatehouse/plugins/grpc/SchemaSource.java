package io.gatehouse.plugins.grpc;

import io.gatehouse.api.Endpoint;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where a transcoder's schema comes from: a descriptor set file, read once when the transport is created, or the
 * upstream's server reflection, fetched in the background when the transport first hears of endpoints and again
 * after each reload. Until reflection first succeeds it is tried again every {@code reflection_retry}; a refresh
 * that fails keeps the schema it had.
 */
final class SchemaSource implements AutoCloseable {

    private final Channels channels;
    private final Duration retry;
    private final System.Logger log;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Schema schema;
    private volatile String failure = "reflection has not run yet: the upstream has no endpoints";
    private volatile List<Endpoint> endpoints = List.of();

    private SchemaSource(Schema schema, Channels channels, Duration retry, System.Logger log) {
        this.schema = schema;
        this.channels = channels;
        this.retry = retry;
        this.log = log;
        this.executor = schema != null ? null : Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "grpc-reflection");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * @param file a {@code FileDescriptorSet}
     * @throws IllegalArgumentException naming the file, when it cannot be read or is not a valid descriptor set
     */
    static SchemaSource file(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("descriptor_set " + file + " cannot be read: " + e, e);
        }
        try {
            return new SchemaSource(Schema.of(bytes), null, null, null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("descriptor_set " + file + ": " + e.getMessage(), e);
        }
    }

    static SchemaSource reflection(Channels channels, Duration retry, System.Logger log) {
        return new SchemaSource(null, channels, retry, log);
    }

    /** @return the schema, or {@code null} while reflection has not succeeded yet (then see {@link #failure()}) */
    Schema schema() {
        return schema;
    }

    /** @return why there is no schema yet */
    String failure() {
        return failure;
    }

    void endpoints(List<Endpoint> endpoints) {
        if (executor == null) {
            return;
        }
        this.endpoints = List.copyOf(endpoints);
        if (schema == null) {
            refresh();
        }
    }

    void reloaded() {
        if (executor != null) {
            refresh();
        }
    }

    private void refresh() {
        if (running.compareAndSet(false, true)) {
            try {
                executor.execute(this::fetch);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                running.set(false);
            }
        }
    }

    private void fetch() {
        boolean done = false;
        try {
            List<Endpoint> candidates = endpoints;
            for (Endpoint endpoint : candidates) {
                try {
                    Schema fetched = Schema.of(Reflection.fetch(channels.channel(endpoint)));
                    schema = fetched;
                    failure = null;
                    log.log(System.Logger.Level.INFO, "grpc: schema fetched by reflection from {0}: services {1}",
                            endpoint.url(), fetched.services());
                    done = true;
                    return;
                } catch (RuntimeException e) {
                    // the log names the endpoint; what clients are told (failure) names no internal address
                    String now = "reflection failed: " + why(e);
                    // one warning per new reason, not one per retry
                    log.log(now.equals(failure) ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
                            "grpc: reflection from " + endpoint.url() + " failed: " + why(e)
                                    + (schema == null ? "; trying again every " + retry.toMillis() + " ms"
                                    : "; keeping the schema fetched before"));
                    failure = now;
                }
            }
        } finally {
            running.set(false);
            if (!done && schema == null && !endpoints.isEmpty() && !executor.isShutdown()) {
                try {
                    executor.schedule(this::refresh, retry.toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException ignored) {
                    // closing
                }
            }
        }
    }

    private static String why(RuntimeException e) {
        if (e instanceof StatusRuntimeException s) {
            Status status = s.getStatus();
            if (status.getCode() == Status.Code.UNIMPLEMENTED) {
                return "the server has no reflection service (grpc.reflection.v1 or v1alpha)";
            }
            if (status.getCode() == Status.Code.UNAVAILABLE) {
                return "UNAVAILABLE: the server cannot be reached";
            }
            if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                return "DEADLINE_EXCEEDED: the server did not answer in time";
            }
            return status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
        }
        return e.getMessage();
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
