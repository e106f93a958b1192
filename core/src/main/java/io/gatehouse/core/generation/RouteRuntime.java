package io.gatehouse.core.generation;

import io.gatehouse.core.chain.FilterChain;
import io.gatehouse.core.config.RouteConfig;
import io.gatehouse.core.upstream.Upstream;

import java.util.List;

/**
 * A route of one generation, ready to serve: its config, its chain (global filters, route filters, proxy) and its
 * upstream.
 *
 * @param config      the route's config
 * @param chain       the filter chain ending in the proxy
 * @param upstream    the upstream it proxies to
 * @param filterNames the names of its filters, global first, for the admin API
 * @param inFlight    its requests in progress, counted when it has {@code max_concurrent_requests}
 */
public record RouteRuntime(RouteConfig config, FilterChain chain, Upstream upstream, List<String> filterNames,
                           InFlight inFlight) {
}
