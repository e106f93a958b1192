package io.gatehouse.plugins.access;

import java.util.List;

/**
 * Config of {@code filter.ip_restriction}.
 *
 * <pre>{@code
 * - ip_restriction:
 *     allow: [ 10.0.0.0/8, 2001:db8::/32 ]
 *     deny:  [ 10.6.6.0/24 ]
 * }</pre>
 *
 * @param allow   CIDR blocks or single addresses (IPv4 and IPv6) that may use the route; when given, every other
 *                client is refused; default: none (every client not denied passes)
 * @param deny    CIDR blocks or single addresses that are refused, even when {@code allow} also covers them;
 *                default: none
 * @param status  the status a refused client gets, 400 to 599; default {@code 403}
 * @param message the problem's {@code detail} a refused client reads; default
 *                {@value IpRestrictionConfig#DEFAULT_MESSAGE}
 */
public record IpRestrictionConfig(List<String> allow, List<String> deny, Integer status, String message) {

    static final String DEFAULT_MESSAGE = "Your IP address is not allowed to use this route.";

    /** Applies the defaults. */
    public IpRestrictionConfig {
        allow = allow == null ? List.of() : List.copyOf(allow);
        deny = deny == null ? List.of() : List.copyOf(deny);
        status = status == null ? 403 : status;
        message = message == null ? DEFAULT_MESSAGE : message;
    }
}
