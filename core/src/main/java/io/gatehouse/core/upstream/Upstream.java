package io.gatehouse.core.upstream;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.LoadBalancer;
import io.gatehouse.api.ServiceDiscovery;
import io.gatehouse.api.Transport;
import io.gatehouse.core.config.HealthConfig;
import io.gatehouse.core.config.UpstreamConfig;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One upstream: its endpoints (fed by discovery), their health (active checks and passive ejection), its balancer
 * and its connection pool. It lives as long as its config is unchanged, across config generations (the generation
 * builder carries it over), and closes after the last generation using it has drained. The request path reads a
 * precomputed list of available endpoints (a volatile read); only health transitions and discovery updates take
 * the lock.
 */
public final class Upstream implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Upstream.class.getName());

    private final String name;
    private final LoadBalancer balancer;
    private final ServiceDiscovery discovery;
    private final UpstreamClient client;
    private final UpstreamConfig config;
    /** The transport that sends this upstream's requests instead of the HTTP proxy; {@code null} for HTTP. */
    private final Transport transport;
    private final Map<String, EndpointHealth> health = new ConcurrentHashMap<>();
    private final ReentrantLock transitions = new ReentrantLock();
    private volatile List<Endpoint> endpoints = List.of();
    private volatile List<Endpoint> available = List.of();
    private volatile long nextReadmissionNanos = Long.MAX_VALUE;
    private final CountDownLatch firstList = new CountDownLatch(1);
    private final RetryBudget retryBudget;
    /** Indexed by status: whether an answer with it is a failure for the circuit breakers; null without them. */
    private final boolean[] circuitFailureStatuses;
    private volatile ServiceDiscovery.Subscription subscription;
    private volatile HealthChecker checker;

    public Upstream(String name, LoadBalancer balancer, ServiceDiscovery discovery, UpstreamClient client,
                    UpstreamConfig config) {
        this(name, balancer, discovery, client, config, null);
    }

    /**
     * An upstream whose requests a transport sends.
     *
     * @param transport the transport, closed with the upstream; {@code null} for the HTTP proxy
     */
    public Upstream(String name, LoadBalancer balancer, ServiceDiscovery discovery, UpstreamClient client,
                    UpstreamConfig config, Transport transport) {
        this.transport = transport;
        this.name = name;
        this.balancer = balancer;
        this.discovery = discovery;
        this.client = client;
        this.config = config;
        this.retryBudget = new RetryBudget(config.retryBudget());
        if (config.circuitBreaker() == null) {
            this.circuitFailureStatuses = null;
        } else {
            this.circuitFailureStatuses = new boolean[600];
            config.circuitBreaker().failureStatuses().forEach(status -> circuitFailureStatuses[status] = true);
        }
    }

    /** Starts discovery and active health checks. */
    public void start() {
        subscription = discovery.watch(name, this::update);
        if (config.health().active() != null) {
            checker = new HealthChecker(this, config.health().active());
        }
    }

    /**
     * Waits for discovery's first endpoint list (which may be empty).
     *
     * @return whether it arrived within {@code timeout}
     */
    public boolean awaitFirstEndpoints(Duration timeout) throws InterruptedException {
        return firstList.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    void update(List<Endpoint> next) {
        List<Endpoint> copy = List.copyOf(next);
        transitions.lock();
        try {
            if (copy.isEmpty() && !endpoints.isEmpty() && !config.allowEmpty()) {
                LOG.log(Level.WARNING, "upstream {0}: discovery reported no endpoints; keeping the last {1} "
                        + "(set allow_empty: true to apply empty updates)", name, endpoints.size());
                return;
            }
            if (!copy.equals(endpoints)) {
                LOG.log(Level.INFO, "upstream {0}: {1} endpoint(s) {2}", name, copy.size(),
                        copy.stream().map(Endpoint::id).toList());
            }
            endpoints = copy;
            Set<String> ids = new java.util.HashSet<>();
            for (Endpoint endpoint : copy) {
                ids.add(endpoint.id());
                health.computeIfAbsent(endpoint.id(), id -> new EndpointHealth(breaker(id)));
            }
            health.keySet().retainAll(ids);
            client.retain(ids);
            if (transport != null) {
                tellTransport(copy);
            }
            recompute();
        } finally {
            transitions.unlock();
            firstList.countDown();
        }
    }

    /**
     * Chooses an available endpoint, avoiding those already tried for this request. The balancer is shown the
     * endpoints that are healthy, of a weight above 0, not behind an open circuit and not in {@code exclude}.
     *
     * @param exclude endpoint ids to avoid, or {@code null}
     * @return the endpoint, or {@code null} when none is available
     */
    public Endpoint choose(Exchange exchange, Set<String> exclude) {
        if (System.nanoTime() - nextReadmissionNanos >= 0) {
            readmitExpired();
        }
        List<Endpoint> candidates = available;
        if (exclude != null && !exclude.isEmpty()) {
            List<Endpoint> rest = new ArrayList<>(candidates.size());
            for (Endpoint endpoint : candidates) {
                if (!exclude.contains(endpoint.id())) {
                    rest.add(endpoint);
                }
            }
            candidates = rest;
        }
        while (!candidates.isEmpty()) {
            Optional<Endpoint> chosen = balancer.choose(candidates, exchange);
            if (chosen.isEmpty()) {
                return null;
            }
            EndpointHealth h = config.circuitBreaker() == null ? null : health.get(chosen.get().id());
            if (h == null || h.breaker.tryAcquire(System.nanoTime())) {
                return chosen.get();
            }
            // half-open with every probe out, or opened since the list was made: choose among the others (the
            // balancer hears that the choice it made is over, as balancers count what they chose as in flight)
            balancer.completed(chosen.get(), 0, false);
            List<Endpoint> rest = new ArrayList<>(candidates);
            rest.remove(chosen.get());
            candidates = rest;
        }
        return null;
    }

    /**
     * How long until an endpoint's circuit lets a request through, when circuits are why no endpoint could be
     * chosen.
     *
     * @return the shortest remaining open time of an open circuit (at least 1 ms), or {@code -1} when no circuit is
     *         open or half-open
     */
    public long circuitOpenMillis() {
        if (config.circuitBreaker() == null) {
            return -1;
        }
        long now = System.nanoTime();
        long shortest = -1;
        for (Endpoint endpoint : endpoints) {
            EndpointHealth h = health.get(endpoint.id());
            long wait = h == null ? -1 : h.breaker.waitNanos(now);
            if (wait < 0) {
                continue;
            }
            long millis = Math.max(1, wait / 1_000_000);
            shortest = shortest < 0 ? millis : Math.min(shortest, millis);
        }
        return shortest;
    }

    /** The circuit breaker hears how a request it let through ended: a success or the upstream's failure. */
    public void circuitResult(Endpoint endpoint, boolean failure) {
        EndpointHealth h = config.circuitBreaker() == null ? null : health.get(endpoint.id());
        if (h != null) {
            h.breaker.record(System.nanoTime(), failure);
        }
    }

    /** The circuit breaker hears that a request it let through ended as nobody's failure (the client went away). */
    public void circuitReleased(Endpoint endpoint) {
        EndpointHealth h = config.circuitBreaker() == null ? null : health.get(endpoint.id());
        if (h != null) {
            h.breaker.release();
        }
    }

    /** @return whether an answer with this status counts as a failure for the circuit breakers */
    public boolean circuitFailure(int status) {
        return circuitFailureStatuses != null && status >= 0 && status < circuitFailureStatuses.length
                && circuitFailureStatuses[status];
    }

    public RetryBudget retryBudget() {
        return retryBudget;
    }

    private CircuitBreaker breaker(String endpoint) {
        if (config.circuitBreaker() == null) {
            return null;
        }
        return new CircuitBreaker(config.circuitBreaker(), (what, opened) -> {
            LOG.log(opened ? Level.WARNING : Level.INFO, "upstream {0}: circuit of {1} {2}", name, endpoint, what);
            if (opened) {
                transitions.lock();
                try {
                    recompute();
                } finally {
                    transitions.unlock();
                }
            }
        }, System.nanoTime());
    }

    /** Records a request that went well: the endpoint's failure streak ends. */
    public void succeeded(Endpoint endpoint) {
        EndpointHealth h = health.get(endpoint.id());
        if (h != null && h.consecutiveFailures.get() != 0) {
            h.consecutiveFailures.set(0);
        }
    }

    /** Records a connect failure, timeout or 5xx: enough in a row eject the endpoint for a growing cool-down. */
    public void failed(Endpoint endpoint) {
        HealthConfig.Passive passive = config.health().passive();
        EndpointHealth h = health.get(endpoint.id());
        if (h == null || passive.consecutiveFailures() == 0
                || h.consecutiveFailures.incrementAndGet() < passive.consecutiveFailures()) {
            return;
        }
        transitions.lock();
        try {
            long now = System.nanoTime();
            if (h.ejected(now) || h.consecutiveFailures.get() < passive.consecutiveFailures()) {
                return;
            }
            h.consecutiveFailures.set(0);
            int ejections = h.ejections = Math.min(h.ejections + 1, 20);
            long nanos = Math.min(passive.ejectionTime().toNanos() << (ejections - 1),
                    passive.maxEjectionTime().toNanos());
            h.ejectedUntilNanos = now + Math.max(nanos, 1);
            LOG.log(Level.WARNING, "upstream {0}: ejected {1} for {2} after {3} failures in a row", name,
                    endpoint.id(), Duration.ofNanos(nanos), passive.consecutiveFailures());
            recompute();
        } finally {
            transitions.unlock();
        }
    }

    /** The active checker's result for one probe: {@code null} when it passed, else why it failed. */
    void activeResult(Endpoint endpoint, String failure, int healthyThreshold, int unhealthyThreshold) {
        EndpointHealth h = health.get(endpoint.id());
        if (h == null) {
            return;
        }
        h.lastCheck = failure == null ? "passed" : failure;
        transitions.lock();
        try {
            if (failure == null) {
                h.activeFailures = 0;
                h.activePasses++;
                boolean readmit = !h.activeHealthy && h.activePasses >= healthyThreshold || h.ejectedUntilNanos != 0;
                if (readmit) {
                    h.activeHealthy = true;
                    h.ejectedUntilNanos = 0;
                    h.ejections = 0;
                    LOG.log(Level.INFO, "upstream {0}: {1} is healthy again", name, endpoint.id());
                    recompute();
                }
            } else {
                h.activePasses = 0;
                h.activeFailures++;
                if (h.activeHealthy && h.activeFailures >= unhealthyThreshold) {
                    h.activeHealthy = false;
                    LOG.log(Level.WARNING, "upstream {0}: {1} is unhealthy ({2})", name, endpoint.id(), failure);
                    recompute();
                }
            }
        } finally {
            transitions.unlock();
        }
    }

    private void readmitExpired() {
        transitions.lock();
        try {
            recompute();
        } finally {
            transitions.unlock();
        }
    }

    /** Rebuilds the available list; called with the lock held. */
    private void recompute() {
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        List<Endpoint> up = new ArrayList<>(endpoints.size());
        for (Endpoint endpoint : endpoints) {
            EndpointHealth h = health.get(endpoint.id());
            if (endpoint.weight() == 0) {
                continue; // never chosen: the balancer is not even shown it (docs/plugins.md, balancer contract)
            }
            if (h == null || h.available(now)) {
                up.add(endpoint);
            } else if (h.availableAgainAt(now) - next < 0) {
                next = h.availableAgainAt(now);
            }
        }
        available = List.copyOf(up);
        nextReadmissionNanos = next;
    }

    /** @return endpoint id → health view, for the admin API */
    public Map<String, Map<String, Object>> healthView() {
        long now = System.nanoTime();
        Map<String, Map<String, Object>> view = new LinkedHashMap<>();
        for (Endpoint endpoint : endpoints) {
            EndpointHealth h = health.get(endpoint.id());
            if (h == null) {
                continue;
            }
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("state", h.state(now));
            one.put("consecutive_failures", h.consecutiveFailures.get());
            one.put("ejections", h.ejections);
            if (h.ejected(now)) {
                one.put("ejected_for_ms", (h.ejectedUntilNanos - now) / 1_000_000);
            }
            one.put("last_active_check", h.lastCheck);
            if (h.breaker != null) {
                one.put("circuit_breaker", h.breaker.view(now));
            }
            view.put(endpoint.id(), one);
        }
        return view;
    }

    public String name() {
        return name;
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    public LoadBalancer balancer() {
        return balancer;
    }

    public UpstreamClient client() {
        return client;
    }

    public UpstreamConfig config() {
        return config;
    }

    /** @return the transport that sends this upstream's requests, or {@code null} when the HTTP proxy does */
    public Transport transport() {
        return transport;
    }

    /** The config was reloaded and this upstream carried over: its transport may refresh what it cached. */
    public void reloaded() {
        if (transport != null) {
            try {
                transport.reloaded();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "upstream " + name + ": its transport failed to take a reload", e);
            }
        }
    }

    private void tellTransport(List<Endpoint> list) {
        try {
            transport.endpoints(list);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "upstream " + name + ": its transport failed to take the endpoint list", e);
        }
    }

    @Override
    public void close() {
        HealthChecker c = checker;
        if (c != null) {
            c.close();
        }
        ServiceDiscovery.Subscription s = subscription;
        if (s != null) {
            closeQuietly(s);
        }
        closeQuietly(discovery);
        closeQuietly(balancer);
        closeQuietly(client);
        if (transport != null) {
            closeQuietly(transport);
        }
    }

    private void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "upstream " + name + ": closing " + closeable + " failed", e);
        }
    }
}
