package io.gatehouse.core.chain;

import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;

import java.time.Duration;
import java.util.Set;

/**
 * Lets built-in components (script aggregation) call the upstreams named in the config, through their balancer
 * and connection pool. There is no way to call a URL: only names from config, so a client can never steer the
 * gateway to an address of its choosing.
 */
public interface UpstreamCalls {

    /** @return the names of the upstreams in the config */
    Set<String> names();

    /**
     * Sends a request to an upstream.
     *
     * @param upstream the upstream's name in config
     * @param request  the request (path, query, headers, body)
     * @param timeout  the longest wait for the answer
     * @param parent   the exchange on whose behalf the call is made (request id, client address)
     * @return the upstream's response, body streaming; the caller must read or close it
     * @throws GatewayException 404-like {@code unknown_upstream} (500) for a name not in config; 502/503/504 as
     *                          for proxied requests
     */
    Response call(String upstream, Request request, Duration timeout, GatewayExchange parent);
}
