package io.gatehouse.plugins.discovery.support;

import io.gatehouse.api.Problems;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.function.BiFunction;

/**
 * A {@link WatchingDiscovery} whose sources talk HTTP (Consul, etcd): one JDK {@link HttpClient} (HTTP/1.1) shared
 * by its watches and shut down with it.
 */
public final class HttpDiscovery extends WatchingDiscovery {

    private final HttpClient client;
    private final BiFunction<HttpClient, String, EndpointSource> sources;

    /**
     * @param componentId       e.g. {@code discovery.consul}
     * @param configuredService the {@code service} from config, or {@code null} for the name the core passes
     * @param logger            where the watches log
     * @param connectTimeout    the HTTP client's connect timeout
     * @param backoffInitial    the first retry delay after a failure
     * @param backoffMax        the largest retry delay
     * @param sources           makes the source for one watched service, given the shared client
     */
    public HttpDiscovery(String componentId, String configuredService, System.Logger logger, Duration connectTimeout,
                         Duration backoffInitial, Duration backoffMax,
                         BiFunction<HttpClient, String, EndpointSource> sources) {
        super(componentId, configuredService, logger, backoffInitial, backoffMax);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
        this.sources = sources;
    }

    @Override
    protected EndpointSource source(String service) {
        return sources.apply(client, service);
    }

    @Override
    public void close() {
        super.close();
        client.shutdownNow();   // close() would wait for the blocking queries and watch streams to end
    }

    /**
     * Checks the settings every HTTP discovery shares: {@code connect_timeout}, {@code backoff_initial} &gt; 0 and
     * {@code backoff_max} &ge; {@code backoff_initial}.
     *
     * @param connectTimeout the bound {@code connect_timeout}
     * @param backoffInitial the bound {@code backoff_initial}
     * @param backoffMax     the bound {@code backoff_max}
     * @param problems       where to report
     */
    public static void validateTimings(Duration connectTimeout, Duration backoffInitial, Duration backoffMax,
                                       Problems problems) {
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            problems.add("connect_timeout", "must be > 0, got " + connectTimeout);
        }
        if (backoffInitial.isNegative() || backoffInitial.isZero()) {
            problems.add("backoff_initial", "must be > 0, got " + backoffInitial);
        }
        if (backoffMax.compareTo(backoffInitial) < 0) {
            problems.add("backoff_max", "must be >= backoff_initial (" + backoffInitial + "), got " + backoffMax);
        }
    }
}
