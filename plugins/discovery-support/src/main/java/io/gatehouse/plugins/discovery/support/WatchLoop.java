package io.gatehouse.plugins.discovery.support;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.ServiceDiscovery;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One watch: a virtual thread that polls an {@link EndpointSource} until closed and hands every changed list to
 * the subscriber. On a failure it keeps the last list (it never publishes an empty one on its own), retries after a
 * {@link Backoff}, and logs once when the source goes down and once when it comes back, not on every retry.
 */
public final class WatchLoop implements ServiceDiscovery.Subscription {

    private static final Comparator<Endpoint> ORDER = Comparator.comparing((Endpoint e) -> e.url().toString())
            .thenComparingInt(Endpoint::weight);

    private final String name;
    private final System.Logger logger;
    private final Consumer<List<Endpoint>> onChange;
    private final Backoff backoff;
    private final EndpointSource source;
    /** Held while delivering, so that once {@link #close()} returns no delivery starts. */
    private final ReentrantLock delivery = new ReentrantLock();
    private volatile boolean closed;
    private List<Endpoint> last;
    private boolean failing;
    private Thread thread;

    /**
     * @param name     what the log lines call this watch, e.g. {@code discovery.consul 'users'}
     * @param logger   where state changes are logged
     * @param onChange the subscriber
     * @param backoff  the delays between retries
     * @param source   where endpoints come from
     */
    public WatchLoop(String name, System.Logger logger, Consumer<List<Endpoint>> onChange, Backoff backoff,
                     EndpointSource source) {
        this.name = name;
        this.logger = logger;
        this.onChange = onChange;
        this.backoff = backoff;
        this.source = source;
    }

    /**
     * Starts the loop on a new virtual thread.
     *
     * @return this
     */
    public WatchLoop start() {
        thread = Thread.ofVirtual().name(name).start(this::run);
        return this;
    }

    @Override
    public void close() {
        delivery.lock();
        try {
            closed = true;
        } finally {
            delivery.unlock();
        }
        source.cancel();
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void run() {
        while (!closed) {
            try {
                source.poll(this::publish);
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
                failed(e);
            } catch (Exception | LinkageError e) {
                if (closed) {
                    return;
                }
                failed(e);
            }
        }
    }

    private void failed(Throwable e) {
        if (!failing) {
            failing = true;
            logger.log(Level.WARNING, () -> name + " failed: " + describe(e) + (last == null
                    ? "; no endpoints known yet" : "; keeping the last " + last.size() + " endpoint(s)")
                    + ", retrying with backoff");
        } else {
            logger.log(Level.DEBUG, () -> name + " still failing: " + describe(e));
        }
        try {
            Thread.sleep(backoff.next());
        } catch (InterruptedException interrupted) {
            // closed, or a spurious interrupt: the loop condition decides
        }
    }

    private void publish(List<Endpoint> endpoints) {
        backoff.reset();
        if (failing) {
            failing = false;
            logger.log(Level.INFO, () -> name + " recovered with " + endpoints.size() + " endpoint(s)");
        }
        List<Endpoint> sorted = new ArrayList<>(endpoints);
        sorted.sort(ORDER);
        List<Endpoint> snapshot = List.copyOf(sorted);
        if (snapshot.equals(last)) {
            return;
        }
        delivery.lock();
        try {
            if (closed) {
                return;
            }
            last = snapshot;
            onChange.accept(snapshot);
        } catch (RuntimeException e) {
            // the subscriber's bug, not the source's: log it and keep watching
            logger.log(Level.ERROR, () -> name + ": the subscriber failed on an endpoint change", e);
        } finally {
            delivery.unlock();
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
