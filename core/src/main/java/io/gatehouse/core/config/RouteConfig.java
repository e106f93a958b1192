package io.gatehouse.core.config;

import io.gatehouse.api.Required;

import java.time.Duration;
import java.util.List;

/**
 * One route.
 *
 * @param id          a unique id, for logs and the admin API; required
 * @param match       what requests the route takes; required
 * @param upstream    the name of the upstream to proxy to; required
 * @param rewrite     a path template for the upstream path, may use the match's params ({@code /users/:id});
 *                    default none (path kept)
 * @param stripPrefix how many leading path segments to drop before proxying; default 0
 * @param timeout     the longest the upstream may take to answer → 504; default {@code 30s}
 * @param filters     the route's filters, in order; default none
 * @param maxConcurrentRequests the most requests of this route served at once; beyond it a request is answered
 *                    {@code 503 overloaded} at once; default none
 * @param serverTiming whether responses carry a {@code Server-Timing} header with each filter's time, the upstream's
 *                    and the total (for browsers' developer tools); default {@code false}: it tells clients about
 *                    the route's insides, so turn it on where they may know
 * @param streamIdleTimeout for a {@code text/event-stream} response (server-sent events), the longest pause between
 *                    two reads of its body → the stream is cut off; default none: an event stream may stay quiet
 *                    as long as its upstream likes, and neither {@code timeout} (which ends when the head arrives)
 *                    nor the upstream's {@code read_idle_timeout} applies to it (see docs/streaming.md)
 * @param websocket   whether (and how) the route proxies WebSocket: {@code true} for the defaults, or a block (see
 *                    {@link WebSocketConfig}); default none: an {@code Upgrade: websocket} request is refused (400)
 */
public record RouteConfig(@Required String id,
                          @Required MatchConfig match,
                          @Required String upstream,
                          String rewrite,
                          int stripPrefix,
                          Duration timeout,
                          List<FilterSpec> filters,
                          Integer maxConcurrentRequests,
                          boolean serverTiming,
                          Duration streamIdleTimeout,
                          WebSocketConfig websocket) {
    public RouteConfig {
        timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
        filters = filters == null ? List.of() : filters;
    }
}
