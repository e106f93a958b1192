package io.gatehouse.core.observe.timing;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Response;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.config.RouteConfig;
import io.gatehouse.core.observe.RequestObserver;
import io.gatehouse.core.observe.metrics.MeterObservers;
import io.gatehouse.core.upstream.Upstream;

import java.util.List;

/**
 * The {@code Server-Timing} response header of the routes that ask for it ({@code server_timing: true}): each
 * filter's own time, the upstream's (to its response head, every attempt added up) and the total, in milliseconds,
 * as measured when the response head is sent:
 * <pre>Server-Timing: authentication;dur=0.012, script;dur=1.204, upstream;dur=12.5, total;dur=14.1</pre>
 * An upstream's own {@code Server-Timing} is kept; ours is added as another header line (the same list, RFC 9110
 * §5.3). Routes without the opt-in get no header and pay nothing: their observer is {@link RequestObserver#NOOP}.
 */
public final class ServerTiming implements RequestObserver.Factory {

    /** The response header. */
    public static final String HEADER = "Server-Timing";
    private static final String ATTRIBUTE = "gatehouse.server_timing";

    /** Requests no route matched get no header. */
    @Override
    public RequestObserver forChain(String routeId, List<String> filterNames) {
        return RequestObserver.NOOP;
    }

    @Override
    public RequestObserver forRoute(RouteConfig route, List<String> filterNames) {
        if (!route.serverTiming()) {
            return RequestObserver.NOOP;
        }
        List<String> labels = MeterObservers.filterLabels(filterNames);
        String[] names = new String[labels.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = metric(labels.get(i));
        }
        return new Observer(names);
    }

    /**
     * @return {@code name} as a Server-Timing metric name (an RFC 9110 token): other characters become {@code _},
     *         and the original goes into a {@code desc} parameter
     */
    static String metric(String name) {
        StringBuilder token = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            token.append(tchar(c) ? c : '_');
        }
        if (token.isEmpty()) {
            return "filter";
        }
        String sanitised = token.toString();
        return sanitised.equals(name) ? name
                : sanitised + ";desc=\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static boolean tchar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** Milliseconds with up to three decimals: {@code 12.5}, {@code 0.012}, {@code 3}. */
    static String millis(long nanos) {
        long micros = Math.max(0, nanos) / 1000;
        long whole = micros / 1000;
        int fraction = (int) (micros % 1000);
        if (fraction == 0) {
            return Long.toString(whole);
        }
        String digits = Integer.toString(1000 + fraction).substring(1);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        return whole + "." + digits.substring(0, end);
    }

    /** What one exchange measured so far. */
    static final class Timings {
        final long[] filterNanos;
        final boolean[] ran;
        long upstreamNanos;
        boolean upstreamCalled;

        Timings(int filters) {
            filterNanos = new long[filters];
            ran = new boolean[filters];
        }

        String header(String[] names, long totalNanos) {
            StringBuilder header = new StringBuilder();
            for (int i = 0; i < names.length; i++) {
                if (ran[i]) {
                    header.append(names[i]).append(";dur=").append(millis(filterNanos[i])).append(", ");
                }
            }
            if (upstreamCalled) {
                header.append("upstream;dur=").append(millis(upstreamNanos)).append(", ");
            }
            return header.append("total;dur=").append(millis(totalNanos)).toString();
        }
    }

    /** One opted-in route's observer; keeps its measures in the exchange until the response head goes out. */
    private static final class Observer implements RequestObserver {
        private final String[] names;

        Observer(String[] names) {
            this.names = names;
        }

        private Timings timings(GatewayExchange exchange) {
            java.util.Map<String, Object> attributes = exchange.attributes();
            if (attributes.get(ATTRIBUTE) instanceof Timings timings) {
                return timings;
            }
            Timings timings = new Timings(names.length);
            attributes.put(ATTRIBUTE, timings);
            return timings;
        }

        @Override
        public void filterDone(GatewayExchange exchange, int index, long startNanos, long endNanos, long selfNanos,
                               boolean failed) {
            if (index >= 0 && index < names.length) {
                Timings timings = timings(exchange);
                timings.filterNanos[index] += selfNanos;
                timings.ran[index] = true;
            }
        }

        @Override
        public void attemptDone(GatewayExchange exchange, Upstream upstream, Endpoint endpoint, int attempt,
                                long startNanos, long endNanos, AttemptOutcome outcome) {
            Timings timings = timings(exchange);
            timings.upstreamNanos += endNanos - startNanos;
            timings.upstreamCalled = true;
        }

        @Override
        public void responding(GatewayExchange exchange, Response response) {
            Timings timings = exchange.attributes().get(ATTRIBUTE) instanceof Timings t ? t : new Timings(names.length);
            response.headers().add(HEADER, timings.header(names, System.nanoTime() - exchange.startNanos()));
        }
    }
}
