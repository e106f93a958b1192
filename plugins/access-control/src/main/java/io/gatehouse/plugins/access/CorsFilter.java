package io.gatehouse.plugins.access;

import io.gatehouse.api.Body;
import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.HttpTokens;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Answers CORS preflights itself and adds the CORS headers to the answers of admitted cross-origin requests.
 *
 * <ul>
 *   <li>A preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) never goes on
 *       down the chain: admitted, it gets 204 with the CORS headers; refused (origin, method or a header not
 *       admitted), a 403 problem without any CORS header, so the browser blocks the request it wanted to make.
 *       Placed before the authentication filters, it spares a preflight (which carries no credentials) the 401.</li>
 *   <li>Any other request goes on. The upstream's own CORS headers are dropped from its answer (this filter
 *       speaks for the route); an admitted origin gets {@code Access-Control-Allow-Origin} (the origin itself, or
 *       {@code *} for a route open to any origin without credentials), {@code Access-Control-Allow-Credentials} and
 *       {@code Access-Control-Expose-Headers} as configured, also on an error a later filter throws (a 401 of an
 *       authentication filter, a 403 of an ACL), so the page can read why. A route that does not admit every origin
 *       answers {@code Vary: Origin}, so that a cache does not hand one origin's answer to another.</li>
 * </ul>
 *
 * @param policy  what is admitted, and the headers that say so
 * @param refusal logs and makes a preflight's refusal
 */
record CorsFilter(CorsPolicy policy, Refusal refusal) implements Filter {

    static final String PREFLIGHT_REFUSED = "cors_preflight_refused";
    private static final String REQUEST_METHOD = "Access-Control-Request-Method";
    private static final String REQUEST_HEADERS = "Access-Control-Request-Headers";
    private static final String PREFLIGHT_VARY = "Origin, " + REQUEST_METHOD + ", " + REQUEST_HEADERS;
    /** What an upstream may say about CORS that this filter replaces. */
    private static final List<String> RESPONSE_HEADERS = List.of("Access-Control-Allow-Origin",
            "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
            "Access-Control-Expose-Headers", "Access-Control-Max-Age", "Access-Control-Allow-Private-Network");
    private static final int LOGGED_ORIGIN = 200;

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        Request request = exchange.request();
        List<String> origins = request.headers().all("Origin");
        // several Origin fields are no browser's doing: no origin matches them
        String origin = origins.size() == 1 ? origins.getFirst() : null;
        if (request.method().equals("OPTIONS") && !origins.isEmpty() && request.headers().contains(REQUEST_METHOD)) {
            return preflight(exchange, origin);
        }
        boolean admitted = policy.anyOrigin() || origin != null && policy.allows(origin);
        Response response;
        try {
            response = chain.proceed(exchange);
        } catch (GatewayException e) {
            if (admitted) {
                policy.actualHeaders(origin, e::header);
            }
            if (!policy.anyOrigin()) {
                e.header("Vary", "Origin");
            }
            throw e;
        }
        Headers headers = response.headers();
        RESPONSE_HEADERS.forEach(headers::remove);
        if (admitted) {
            policy.actualHeaders(origin, headers::set);
        }
        // a route open to any origin answers all alike ("*", with or without Origin): no Vary needed
        if (!policy.anyOrigin()) {
            varyOnOrigin(headers);
        }
        return response;
    }

    private Response preflight(Exchange exchange, String origin) {
        Headers request = exchange.request().headers();
        List<String> methods = request.all(REQUEST_METHOD);
        String method = methods.size() == 1 ? methods.getFirst().trim() : "";
        List<String> requested = requestedHeaders(request.all(REQUEST_HEADERS));
        if (origin == null || !policy.allows(origin)) {
            throw refuse(exchange, "the origin is not allowed", "origin " + quoted(origin) + " is not allowed");
        }
        if (!policy.allowsMethod(method)) {
            throw refuse(exchange, "the method " + shown(method) + " is not allowed", "origin " + quoted(origin)
                    + " asked for method " + quoted(String.join(",", methods)));
        }
        for (String header : requested) {
            if (!policy.allowsHeader(header)) {
                throw refuse(exchange, "the request header " + shown(header) + " is not allowed", "origin "
                        + quoted(origin) + " asked for request header " + quoted(header));
            }
        }
        Headers headers = new Headers();
        policy.preflightHeaders(origin, method, requested, headers::set);
        headers.set("Vary", PREFLIGHT_VARY);
        return new Response(204, headers, Body.empty());
    }

    private GatewayException refuse(Exchange exchange, String what, String reason) {
        // the answer depends on the same request headers as an allowed preflight's: a shared cache must key it so
        return refusal.refuse(exchange, 403, PREFLIGHT_REFUSED, "CORS preflight refused: " + what + ".",
                "preflight refused: " + reason).header("Vary", PREFLIGHT_VARY);
    }

    /** The names of {@code Access-Control-Request-Headers}, lower case, in order, without empty entries. */
    private static List<String> requestedHeaders(List<String> values) {
        List<String> names = new ArrayList<>();
        for (String value : values) {
            for (String name : value.split(",")) {
                String trimmed = name.trim().toLowerCase(Locale.ROOT);
                if (!trimmed.isEmpty()) {
                    names.add(trimmed);
                }
            }
        }
        return names;
    }

    /** Adds {@code Origin} to {@code Vary} unless it is there already (or {@code Vary: *} covers it). */
    private static void varyOnOrigin(Headers headers) {
        for (String value : headers.all("Vary")) {
            for (String field : value.split(",")) {
                String name = field.trim();
                if (name.equals("*") || name.equalsIgnoreCase("Origin")) {
                    return;
                }
            }
        }
        headers.add("Vary", "Origin");
    }

    /** A name from the client, for the client's message: only when it is a token (no quotes, no markup). */
    private static String shown(String name) {
        return HttpTokens.isToken(name) && name.length() <= 64 ? name : "asked for";
    }

    /** A client's text for the log: quoted, and cut short. */
    private static String quoted(String text) {
        if (text == null) {
            return "(several Origin headers)";
        }
        return "'" + (text.length() > LOGGED_ORIGIN ? text.substring(0, LOGGED_ORIGIN) + "..." : text) + "'";
    }
}
