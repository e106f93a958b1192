package io.gatehouse.plugins.discovery.support;

import io.gatehouse.api.ServiceDiscovery;
import io.gatehouse.api.Endpoint;
import io.gatehouse.api.PluginContext;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A {@link ServiceDiscovery} that runs one {@link WatchLoop} per {@link #watch} and stops them all on
 * {@link #close()}. A subclass says where endpoints come from.
 */
public abstract class WatchingDiscovery implements ServiceDiscovery {

    private final String componentId;
    private final String configuredService;
    private final System.Logger logger;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final Set<WatchLoop> loops = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param componentId       e.g. {@code discovery.consul}, for thread names and log lines
     * @param configuredService the {@code service} from config, or {@code null} to watch the name the core passes
     * @param logger            where the loops log
     * @param backoffInitial    the first retry delay after a failure
     * @param backoffMax        the largest retry delay
     */
    protected WatchingDiscovery(String componentId, String configuredService, System.Logger logger,
                                Duration backoffInitial, Duration backoffMax) {
        this.componentId = componentId;
        this.configuredService = configuredService;
        this.logger = logger;
        this.backoffInitial = backoffInitial;
        this.backoffMax = backoffMax;
    }

    /**
     * The source for one watched service.
     *
     * @param service the service to watch: the config's {@code service}, else the name the core asked for
     * @return a new source, used by one loop only
     */
    protected abstract EndpointSource source(String service);

    @Override
    public Subscription watch(String service, Consumer<List<Endpoint>> onChange) {
        if (closed) {
            throw new IllegalStateException(componentId + " is closed");
        }
        String watched = configuredService != null ? configuredService : service;
        WatchLoop loop = new WatchLoop(componentId + " '" + watched + "'", logger, onChange,
                new Backoff(backoffInitial, backoffMax), source(watched));
        loops.add(loop);
        loop.start();
        return () -> {
            loops.remove(loop);
            loop.close();
        };
    }

    @Override
    public void close() {
        closed = true;
        loops.forEach(WatchLoop::close);
        loops.clear();
    }

    /**
     * @param context the context from {@code create}, or {@code null} (unit tests without one)
     * @param id      the component id to name a fallback logger after
     * @return the context's logger, never {@code null}
     */
    public static System.Logger logger(PluginContext context, String id) {
        return context != null ? context.logger() : System.getLogger(id);
    }
}
