package io.gatehouse.core.observe;

import io.gatehouse.api.Completion;
import io.gatehouse.api.Endpoint;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.upstream.Upstream;

import java.util.List;

/**
 * What the request path tells the gateway's meters, tracer and {@code Server-Timing}: each filter's time, each
 * upstream attempt, the end of the exchange. One observer serves one route's chain in one config generation, so it
 * can hold that route's meters resolved once ({@link Factory}); the chain hands it to the exchange, where the proxy
 * finds it for the attempts.
 *
 * <p>Called on the request path: an implementation must be cheap, allocate as little as it can, and never throw.
 * Times are {@link System#nanoTime()} values.
 */
public interface RequestObserver {

    /** Observes nothing. */
    RequestObserver NOOP = new RequestObserver() {
    };

    /**
     * Filter {@code index} of the chain (in the order of {@link Factory#forChain}'s names) has returned or thrown.
     *
     * @param startNanos when the filter was called
     * @param endNanos   when it returned or threw
     * @param selfNanos  the part of that spent in the filter itself: without the filters after it and the upstream
     *                   call, which ran inside its {@code chain.proceed}
     * @param failed     whether it threw
     */
    default void filterDone(GatewayExchange exchange, int index, long startNanos, long endNanos, long selfNanos,
                            boolean failed) {
    }

    /**
     * One attempt to send the request to an upstream endpoint is over: its response head arrived, or it failed.
     *
     * @param attempt    0 for the first attempt, 1 for the first retry, ...
     * @param startNanos when the attempt began (before the connection was taken)
     * @param endNanos   when the response head arrived or the attempt failed
     * @param outcome    how it ended
     */
    default void attemptDone(GatewayExchange exchange, Upstream upstream, Endpoint endpoint, int attempt,
                             long startNanos, long endNanos, AttemptOutcome outcome) {
    }

    /**
     * The response head is about to be written to the client: the last moment to add a header (Server-Timing).
     * Not called for a response that is never sent (the client went away first).
     */
    default void responding(GatewayExchange exchange, io.gatehouse.api.Response response) {
    }

    /** The exchange is over (the same moment its {@code onComplete} listeners hear of it, just after them). */
    default void completed(GatewayExchange exchange, Completion completion) {
    }

    /** How an upstream attempt ended; {@link #label()} is the metrics label. */
    enum AttemptOutcome {
        /** A response below 500. */
        SUCCESS,
        /** A 5xx response. */
        ERROR_STATUS,
        /** The endpoint could not be connected to. */
        UNREACHABLE,
        /** No response head in time, or the upstream stopped reading the request. */
        TIMEOUT,
        /** The connection broke before the response head was complete. */
        BROKEN,
        /** The response head was not valid HTTP/1.1. */
        BAD_RESPONSE,
        /** The client's side failed (its body broke off) or the caller cancelled: nobody's fault upstream. */
        CANCELLED;

        private final String label = name().toLowerCase(java.util.Locale.ROOT);

        public String label() {
            return label;
        }
    }

    /** Makes the observer of each route chain when a generation is built. */
    interface Factory {

        /** Observes nothing. */
        Factory NOOP = (routeId, filterNames) -> RequestObserver.NOOP;

        /**
         * @param routeId     the route, or {@code ""} for the chain of requests no route matched (global filters only)
         * @param filterNames the chain's filters in order, as {@link #filterDone}'s index counts them
         */
        RequestObserver forChain(String routeId, List<String> filterNames);

        /**
         * The observer of a route's chain: by default {@link #forChain} with the route's id. A factory that needs
         * the route's config (Server-Timing's opt-in) overrides this one.
         *
         * @param route       the route
         * @param filterNames the chain's filters in order, as {@link #filterDone}'s index counts them
         */
        default RequestObserver forRoute(io.gatehouse.core.config.RouteConfig route, List<String> filterNames) {
            return forChain(route.id(), filterNames);
        }

        /**
         * @param factories the factories to ask, in order
         * @return a factory whose observers tell each of the given factories' observers everything, in that order
         *         (observers that are {@link RequestObserver#NOOP} left out; one left is returned as it is)
         */
        static Factory compose(List<Factory> factories) {
            List<Factory> all = List.copyOf(factories);
            return new Factory() {
                @Override
                public RequestObserver forChain(String routeId, List<String> filterNames) {
                    RequestObserver[] made = new RequestObserver[all.size()];
                    for (int i = 0; i < made.length; i++) {
                        made[i] = all.get(i).forChain(routeId, filterNames);
                    }
                    return combine(made);
                }

                @Override
                public RequestObserver forRoute(io.gatehouse.core.config.RouteConfig route,
                                                List<String> filterNames) {
                    // loops, not streams: a reload of 10 000 routes asks 10 000 times
                    RequestObserver[] made = new RequestObserver[all.size()];
                    for (int i = 0; i < made.length; i++) {
                        made[i] = all.get(i).forRoute(route, filterNames);
                    }
                    return combine(made);
                }
            };
        }

        /** @param made the observers, {@link RequestObserver#NOOP} among them; the array is taken */
        private static RequestObserver combine(RequestObserver[] made) {
            int count = 0;
            for (RequestObserver observer : made) {
                if (observer != RequestObserver.NOOP) {
                    made[count++] = observer;
                }
            }
            return switch (count) {
                case 0 -> RequestObserver.NOOP;
                case 1 -> made[0];
                default -> new Composite(java.util.Arrays.copyOf(made, count));
            };
        }
    }

    /** Several observers, told in order; one that throws does not keep the others from hearing. */
    final class Composite implements RequestObserver {
        private static final System.Logger LOG = System.getLogger(RequestObserver.class.getName());
        private final RequestObserver[] observers;

        private Composite(RequestObserver[] observers) {
            this.observers = observers;
        }

        @Override
        public void filterDone(GatewayExchange exchange, int index, long startNanos, long endNanos, long selfNanos,
                               boolean failed) {
            for (RequestObserver observer : observers) {
                try {
                    observer.filterDone(exchange, index, startNanos, endNanos, selfNanos, failed);
                } catch (RuntimeException e) {
                    failed(observer, e);
                }
            }
        }

        @Override
        public void attemptDone(GatewayExchange exchange, Upstream upstream, Endpoint endpoint, int attempt,
                                long startNanos, long endNanos, AttemptOutcome outcome) {
            for (RequestObserver observer : observers) {
                try {
                    observer.attemptDone(exchange, upstream, endpoint, attempt, startNanos, endNanos, outcome);
                } catch (RuntimeException e) {
                    failed(observer, e);
                }
            }
        }

        @Override
        public void responding(GatewayExchange exchange, io.gatehouse.api.Response response) {
            for (RequestObserver observer : observers) {
                try {
                    observer.responding(exchange, response);
                } catch (RuntimeException e) {
                    failed(observer, e);
                }
            }
        }

        @Override
        public void completed(GatewayExchange exchange, Completion completion) {
            for (RequestObserver observer : observers) {
                try {
                    observer.completed(exchange, completion);
                } catch (RuntimeException e) {
                    failed(observer, e);
                }
            }
        }

        private static void failed(RequestObserver observer, RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "observer " + observer.getClass().getName() + " failed: " + e);
        }
    }
}
