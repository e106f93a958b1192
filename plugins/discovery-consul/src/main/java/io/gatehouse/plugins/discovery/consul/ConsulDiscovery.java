package io.gatehouse.plugins.discovery.consul;

import io.gatehouse.plugins.discovery.support.EndpointSource;
import io.gatehouse.plugins.discovery.support.WatchingDiscovery;

import java.net.http.HttpClient;

/** {@code discovery.consul}: one {@link ConsulHealthQuery} loop per watched service, sharing one HTTP client. */
final class ConsulDiscovery extends WatchingDiscovery {

    private final ConsulConfig config;
    private final System.Logger logger;
    private final HttpClient client;

    ConsulDiscovery(ConsulConfig config, System.Logger logger) {
        super(ConsulDiscoveryFactory.ID, config.service(), logger, config.backoffInitial(), config.backoffMax());
        this.config = config;
        this.logger = logger;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .build();
    }

    @Override
    protected EndpointSource source(String service) {
        return new ConsulHealthQuery(client, config, service, logger);
    }

    @Override
    public void close() {
        super.close();
        client.shutdownNow();   // close() would wait for the blocking queries to end
    }
}
