package io.gatehouse.plugins.auth.jwt;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The keys of one JWKS URL, kept across config reloads in the filter's state (see
 * {@link io.gatehouse.api.PluginContext#state}).
 *
 * <ul>
 *   <li>Fetched once when created; if that fails the cache starts empty, says so in the log, and tokens are answered
 *       503 until a fetch succeeds (retried in the background every {@code min_refresh_interval}).</li>
 *   <li>Fetched again in the background every {@code refresh_interval}, and when a token names a key the cache does
 *       not hold: at most once per {@code min_refresh_interval} however many such tokens arrive, one fetch at a
 *       time, so a flood of made-up {@code kid}s cannot turn into a flood of fetches.</li>
 *   <li>A failed fetch keeps the keys held (served stale while the JWKS host is down); a successful one replaces
 *       them, so a key removed from the JWKS stops being accepted.</li>
 * </ul>
 * Thread-safe. Rate limiting reads the injected clock; the background schedule sleeps in real time.
 */
final class JwksCache implements AutoCloseable {

    private final String shown;
    private final Set<JwsAlgorithm> allowed;
    private final Duration refreshInterval;
    private final Duration minRefreshInterval;
    private final Clock clock;
    private final System.Logger log;
    private final JwksFetcher fetcher;
    private final ReentrantLock fetching = new ReentrantLock();
    private final AtomicInteger fetches = new AtomicInteger();
    private final Thread refresher;
    private volatile KeySet keys = KeySet.NONE;
    private volatile Instant lastAttempt;
    private volatile boolean failing;

    private JwksCache(URI uri, JwtConfig config, Set<JwsAlgorithm> allowed, Clock clock, System.Logger log) {
        this.shown = shown(uri);
        this.allowed = Set.copyOf(allowed);
        this.refreshInterval = config.refreshInterval();
        this.minRefreshInterval = config.minRefreshInterval();
        this.clock = clock;
        this.log = log;
        this.fetcher = new JwksFetcher(uri, config.fetchTimeout());
        this.refresher = Thread.ofVirtual().name("jwks-refresh " + shown).unstarted(this::refreshInBackground);
    }

    /**
     * Creates the cache and fetches the JWKS once (waiting at most {@code fetch_timeout}); a failure is logged, not
     * thrown, so the route still serves.
     */
    static JwksCache start(URI uri, JwtConfig config, Set<JwsAlgorithm> allowed, Clock clock, System.Logger log)
            throws InterruptedException {
        JwksCache cache = new JwksCache(uri, config, allowed, clock, log);
        cache.fetching.lock();
        try {
            cache.fetch();
        } catch (InterruptedException e) {
            cache.close();
            throw e;
        } finally {
            cache.fetching.unlock();
        }
        cache.refresher.start();
        return cache;
    }

    /** @return the keys held now; {@link KeySet#loaded()} is false until a fetch has succeeded */
    KeySet keys() {
        return keys;
    }

    /**
     * Fetches the JWKS again for a token whose key the cache lacks, unless a fetch started less than
     * {@code min_refresh_interval} ago; a caller arriving while another fetches waits for that fetch instead.
     *
     * @return the keys held afterwards
     */
    KeySet refresh() throws InterruptedException {
        if (tooSoon()) {
            return keys;
        }
        fetching.lockInterruptibly();
        try {
            if (!tooSoon()) {
                fetch();
            }
        } finally {
            fetching.unlock();
        }
        return keys;
    }

    /** @return how long until {@link #refresh()} may fetch again, at least one second; for {@code Retry-After} */
    long retryAfterSeconds() {
        Instant last = lastAttempt;
        long millis = last == null ? 0 : Duration.between(clock.instant(), last.plus(minRefreshInterval)).toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }

    /** @return how many fetches were attempted, for tests and diagnostics */
    int fetches() {
        return fetches.get();
    }

    private boolean tooSoon() {
        Instant last = lastAttempt;
        return last != null && clock.instant().isBefore(last.plus(minRefreshInterval));
    }

    /** Call with {@link #fetching} held. */
    private void fetch() throws InterruptedException {
        lastAttempt = clock.instant();
        fetches.incrementAndGet();
        try {
            JwkSet.Parsed parsed = JwkSet.parse(fetcher.fetch(), allowed);
            if (parsed.keys().isEmpty()) {
                throw new JwksFetcher.Failure("it holds no key this route can use" + skipped(parsed.skipped()));
            }
            KeySet previous = keys;
            keys = new KeySet(parsed.keys(), true);
            if (failing || !previous.loaded() || !previous.kids().equals(keys.kids())) {
                log.log(INFO, "JWKS " + shown + ": " + parsed.keys().size() + " key(s), kid " + keys.kids()
                        + skipped(parsed.skipped()));
            }
            failing = false;
        } catch (JwksFetcher.Failure e) {
            failed(e.getMessage());
        } catch (IOException e) {
            failed("it did not send a JSON Web Key Set");
        }
    }

    private void failed(String why) {
        failing = true;
        if (keys.loaded()) {
            log.log(WARNING, "JWKS " + shown + " could not be fetched: " + why + "; the " + keys.size()
                    + " key(s) fetched before stay in use");
        } else {
            log.log(WARNING, "JWKS " + shown + " could not be fetched" + (fetches.get() == 1 ? " at start" : "")
                    + ": " + why + "; until it can be, tokens on this route are answered 503 (retrying every "
                    + minRefreshInterval.toMillis() + " ms)");
        }
    }

    private static String skipped(List<String> skipped) {
        return skipped.isEmpty() ? "" : "; skipped " + String.join(", ", skipped);
    }

    private void refreshInBackground() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(keys.loaded() ? refreshInterval : minRefreshInterval);
                fetching.lockInterruptibly();
                try {
                    fetch();
                } finally {
                    fetching.unlock();
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** The URL without user info, query or fragment, for log lines. */
    private static String shown(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    @Override
    public void close() {
        refresher.interrupt();
        fetcher.close();
    }
}
