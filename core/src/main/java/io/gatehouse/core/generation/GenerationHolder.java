package io.gatehouse.core.generation;

import io.gatehouse.core.config.WebSocketConfig;
import io.gatehouse.core.websocket.Tunnels;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one atomic reference behind which the serving generation sits. The request path takes no lock: it enters
 * the current generation, and re-checks that it is still current so a generation being retired never gains a
 * request after its drain started.
 */
public final class GenerationHolder implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(GenerationHolder.class.getName());
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(60);

    private final AtomicReference<Generation> current = new AtomicReference<>();
    /** WebSocket tunnels outlive the generation they started on (up to their drain timeout), so they are kept here. */
    private final Tunnels tunnels = new Tunnels();

    /** Enters the serving generation; the caller must call {@link Generation#exit()} when done. */
    public Generation acquire() {
        while (true) {
            Generation generation = current.get();
            if (generation == null) {
                throw new IllegalStateException("no config generation is serving yet");
            }
            generation.enter();
            if (current.get() == generation) {
                return generation;
            }
            generation.exit();
        }
    }

    /** @return the open WebSocket tunnels, of every generation */
    public Tunnels tunnels() {
        return tunnels;
    }

    /** @return the serving generation, or {@code null} before the first */
    public Generation current() {
        return current.get();
    }

    /** Makes {@code next} serve; the previous generation drains and closes in the background. */
    public void swap(Generation next) {
        Generation previous = current.getAndSet(next);
        if (previous != null) {
            tunnels.retired(previous);
            Thread.ofVirtual().name("drain-generation-" + previous.number()).start(() -> drainAndClose(previous));
        }
    }

    private static void drainAndClose(Generation generation) {
        Duration limit = drainLimit(generation);
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (generation.inFlight() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (generation.inFlight() > 0) {
            LOG.log(Level.WARNING, "generation {0} still has {1} request(s) after {2}; closing it anyway",
                    generation.number(), generation.inFlight(), limit);
        }
        generation.close();
    }

    /**
     * How long a retired generation may wait for its requests: a WebSocket tunnel holds its generation until it
     * ends, which its route's {@code drain_timeout} bounds (plus the close handshake's grace).
     */
    private static Duration drainLimit(Generation generation) {
        Duration limit = DRAIN_LIMIT;
        for (RouteRuntime route : generation.routeList()) {
            WebSocketConfig websocket = route.config().websocket();
            if (WebSocketConfig.allows(websocket) && websocket.drainTimeout().plusSeconds(10).compareTo(limit) > 0) {
                limit = websocket.drainTimeout().plusSeconds(10);
            }
        }
        return limit;
    }

    @Override
    public void close() {
        tunnels.close();
        Generation last = current.getAndSet(null);
        if (last != null) {
            drainAndClose(last);
        }
    }
}
