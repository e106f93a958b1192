package io.gatehouse.core.config;

import io.gatehouse.api.HttpTokens;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The semantic checks of the core config model, after binding: ports, timeouts, references between sections,
 * trusted proxies, identity header names, route methods and header predicates, and the admin token rule. Pure: no
 * I/O, no DNS. Path templates, host patterns and filter / plugin ids are checked where routes and plugins are
 * planned ({@code generation.ConfigPlan}).
 *
 * <p>Tolerates a partly bound config ({@code null} entries where binding failed) so that one run reports binding and
 * semantic problems together.
 */
public final class ConfigValidator {
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private ConfigValidator() {
    }

    /** @return every problem found, in config order; empty when the config is valid */
    public static List<Problem> validate(GatewayConfig config) {
        List<Problem> problems = new ArrayList<>();
        validateServer(config.server(), problems);
        validateAdmin(config.admin(), problems);
        if (config.demo() != null) {
            checkPort(config.demo().port(), "demo.port", false, problems);
        }
        config.upstreams().forEach((name, upstream) -> validateUpstream(name, upstream, problems));
        validateRoutes(config, problems);
        TracingConfig.validate(config.tracing(), problems);
        return problems;
    }

    private static void validateServer(ServerConfig server, List<Problem> problems) {
        if (server == null) {
            return;
        }
        checkPort(server.port(), "server.port", false, problems);
        List<String> proxies = server.trustedProxies();
        for (int i = 0; i < proxies.size(); i++) {
            String proxy = proxies.get(i);
            if (proxy != null && !isAddressOrCidr(proxy)) {
                problems.add(new Problem(ConfigPath.index("server.trusted_proxies", i),
                        "expected an IP address or CIDR block like 10.0.0.0/8 or ::1, got '" + proxy + "'"));
            }
        }
        TimeoutsConfig timeouts = server.timeouts();
        checkPositive(timeouts.requestHead(), "server.timeouts.request_head", problems);
        checkPositive(timeouts.bodyIdle(), "server.timeouts.body_idle", problems);
        checkPositive(timeouts.keepAliveIdle(), "server.timeouts.keep_alive_idle", problems);
        checkPositive(timeouts.write(), "server.timeouts.write", problems);
        checkPositive(server.shutdown().drainTimeout(), "server.shutdown.drain_timeout", problems);
        // a cap of 0 would close every connection at once
        checkAtLeastOne(server.limits().maxConnections(), "server.limits.max_connections", problems);
        checkAtLeastOne(server.limits().maxConnectionsPerIp(), "server.limits.max_connections_per_ip", problems);
        checkAtLeastOne(server.limits().maxConcurrentRequests(), "server.limits.max_concurrent_requests", problems);
        // a misspelt name would silently never match, and the forged header would pass
        List<String> identity = server.identityHeaders();
        for (int i = 0; i < identity.size(); i++) {
            String name = identity.get(i);
            if (!HttpTokens.isToken(name)) {
                problems.add(new Problem(ConfigPath.index("server.identity_headers", i),
                        "expected a header name like X-Real-IP, got '" + name + "'"));
            }
        }
        Http2Config.validate(server.http2(), problems);
    }

    private static void validateAdmin(AdminConfig admin, List<Problem> problems) {
        if (admin == null) {
            return;
        }
        checkPort(admin.port(), "admin.port", true, problems);
        boolean enabled = admin.port() == null || admin.port() != -1;
        boolean noToken = admin.allTokens().isEmpty();
        if (enabled && noToken && !isLoopback(admin.host())) {
            problems.add(new Problem("admin.token", "required when admin.host is not a loopback address "
                    + "(admin.token or admin.tokens)"));
        }
        AdminTokenRules.validate(admin, problems);
    }

    private static void validateUpstream(String name, UpstreamConfig upstream, List<Problem> problems) {
        if (upstream == null) {
            return;
        }
        String path = ConfigPath.key("upstreams", name);
        if (upstream.discovery() == null) {
            problems.add(new Problem(ConfigPath.key(path, "discovery"), "required"));
        }
        if (upstream.transport() != null && upstream.health().active() != null) {
            problems.add(new Problem(ConfigPath.key(path, "health.active"), "active health checks are HTTP/1.1 "
                    + "requests, which an upstream with a transport does not answer; its endpoints are watched "
                    + "passively (health.passive)"));
        }
        checkPositive(upstream.connectTimeout(), ConfigPath.key(path, "connect_timeout"), problems);
        checkPositive(upstream.readIdleTimeout(), ConfigPath.key(path, "read_idle_timeout"), problems);
        checkPositive(upstream.writeTimeout(), ConfigPath.key(path, "write_timeout"), problems);
        CircuitBreakerConfig breaker = upstream.circuitBreaker();
        if (breaker != null) {
            String at = ConfigPath.key(path, "circuit_breaker");
            checkPositive(breaker.window(), ConfigPath.key(at, "window"), problems);
            checkPositive(breaker.openTime(), ConfigPath.key(at, "open_time"), problems);
            checkPositive(breaker.maxOpenTime(), ConfigPath.key(at, "max_open_time"), problems);
            if (breaker.maxOpenTime().compareTo(breaker.openTime()) < 0) {
                problems.add(new Problem(ConfigPath.key(at, "max_open_time"), "must not be shorter than "
                        + "open_time"));
            }
        }
        // a window under a second could not hold min_retries_per_second
        Duration budgetWindow = upstream.retryBudget().window();
        if (budgetWindow != null && budgetWindow.compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add(new Problem(ConfigPath.key(path, "retry_budget.window"), "must be at least 1s"));
        }
    }

    private static void validateRoutes(GatewayConfig config, List<Problem> problems) {
        Map<String, Integer> firstIndexOfId = new HashMap<>();
        List<RouteConfig> routes = config.routes();
        for (int i = 0; i < routes.size(); i++) {
            RouteConfig route = routes.get(i);
            if (route == null) {
                continue;
            }
            if (route.id() != null) {
                Integer first = firstIndexOfId.putIfAbsent(route.id(), i);
                if (first != null) {
                    problems.add(new Problem(at(i, ".id"), "duplicate id '" + route.id() + "' (also "
                            + ConfigPath.index("routes", first) + ")"));
                }
            }
            if (route.upstream() != null && !config.upstreams().containsKey(route.upstream())) {
                String known = config.upstreams().isEmpty() ? "no upstreams are defined"
                        : "known upstreams: " + String.join(", ", config.upstreams().keySet());
                problems.add(new Problem(at(i, ".upstream"), "unknown upstream '" + route.upstream() + "' ("
                        + known + ")"));
            }
            // a route's paths are made only for its problems: a config of 10 000 routes has few, and is checked
            // on every reload
            int before = problems.size();
            checkRoute(route, problems);
            for (int k = before; k < problems.size(); k++) {
                Problem relative = problems.get(k);
                problems.set(k, new Problem(at(i, relative.path()), relative.message()));
            }
        }
    }

    private static String at(int index, String suffix) {
        return ConfigPath.index("routes", index) + suffix;
    }

    /** Adds the problems of one route alone, each with its path relative to the route ({@code .timeout}). */
    private static void checkRoute(RouteConfig route, List<Problem> problems) {
        if (route.stripPrefix() < 0) {
            problems.add(new Problem(".strip_prefix", "must be >= 0, got " + route.stripPrefix()));
        }
        checkPositive(route.timeout(), ".timeout", problems);
        checkPositive(route.streamIdleTimeout(), ".stream_idle_timeout", problems);
        checkAtLeastOne(route.maxConcurrentRequests(), ".max_concurrent_requests", problems);
        if (route.websocket() != null) {
            problems.addAll(WebSocketConfig.problems(route.websocket(), ".websocket"));
        }
        MatchConfig match = route.match();
        if (match != null) {
            if (!match.methods().isEmpty()) {
                checkMethods(match.methods(), ".match.methods", problems);
            }
            if (!match.headers().isEmpty()) {
                checkHeaderPredicates(match.headers(), ".match.headers", problems);
            }
            if (match.query().containsKey("")) {
                problems.add(new Problem(".match.query", "a query parameter name must not be empty"));
            }
        }
    }

    private static void checkMethods(List<String> methods, String path, List<Problem> problems) {
        for (int i = 0; i < methods.size(); i++) {
            String method = methods.get(i);
            if (method != null && !HttpTokens.isToken(method)) {
                problems.add(new Problem(ConfigPath.index(path, i), "not an HTTP method: '" + method + "'"));
            }
        }
    }

    /** A predicate no request header can meet would make its route silently unreachable. */
    private static void checkHeaderPredicates(Map<String, String> headers, String path, List<Problem> problems) {
        headers.forEach((name, value) -> {
            if (!HttpTokens.isToken(name)) {
                problems.add(new Problem(name.isEmpty() ? path : ConfigPath.key(path, name),
                        "not a header name: '" + name + "'"));
            } else if (value != null && value.chars().anyMatch(c -> c < ' ' && c != '\t' || c == 0x7F)) {
                problems.add(new Problem(ConfigPath.key(path, name),
                        "a header value cannot contain control characters (CR, LF, NUL)"));
            }
        });
    }

    private static void checkPort(Integer port, String path, boolean mayDisable, List<Problem> problems) {
        if (port != null && (port < 0 || port > 65535) && !(mayDisable && port == -1)) {
            problems.add(new Problem(path, "must be between 0 and 65535" + (mayDisable ? ", or -1 to disable" : "")
                    + ", got " + port));
        }
    }

    private static void checkAtLeastOne(Integer value, String path, List<Problem> problems) {
        if (value != null && value < 1) {
            problems.add(new Problem(path, "must be at least 1, got " + value));
        }
    }

    private static void checkPositive(Duration duration, String path, List<Problem> problems) {
        if (duration != null && (duration.isZero() || duration.isNegative())) {
            problems.add(new Problem(path, "must be greater than 0"));
        }
    }

    /** Loopback by name or literal only: resolving names here would make validation depend on DNS. */
    static boolean isLoopback(String host) {
        if (host == null || host.equalsIgnoreCase("localhost")) {
            return true;
        }
        InetAddress address = parseLiteral(host);
        return address != null && address.isLoopbackAddress();
    }

    static boolean isAddressOrCidr(String text) {
        int slash = text.indexOf('/');
        InetAddress address = parseLiteral(slash < 0 ? text : text.substring(0, slash));
        if (address == null || slash < 0) {
            return address != null;
        }
        String prefix = text.substring(slash + 1);
        int max = address.getAddress().length * 8;
        return prefix.matches("\\d{1,3}") && Integer.parseInt(prefix) <= max;
    }

    /** @return the address if {@code text} is an IPv4 or IPv6 literal, else null; never looks up a name */
    private static InetAddress parseLiteral(String text) {
        String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean ipv4 = IPV4.matcher(literal).matches();
        boolean ipv6 = literal.indexOf(':') >= 0 && IPV6_CHARS.matcher(literal).matches();
        if (!ipv4 && !ipv6) {
            return null;
        }
        try {
            // Only literals reach this point, and InetAddress parses literals without a lookup.
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
