package io.gatehouse.core.websocket;

import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.config.OriginPattern;
import io.gatehouse.core.config.WebSocketConfig;
import io.gatehouse.core.generation.Generation;
import io.gatehouse.core.proxy.HopByHop;
import io.gatehouse.core.upstream.UpstreamConnection;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A WebSocket opening handshake (RFC 6455 §4) through the gateway: the client's request checked before any filter
 * runs, the request sent upstream with {@code Upgrade}, and the upstream's {@code 101} checked before the gateway
 * switches the client's connection to a tunnel. Anything but a correct {@code 101} leaves both connections in
 * HTTP: the upstream's other answers go to the client as ordinary responses, a bad {@code 101} becomes a 502.
 */
public final class Handshake {

    /** The exchange attribute under which a WebSocket request carries its handshake. */
    public static final String ATTRIBUTE = "gatehouse.websocket";
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final String routeId;
    private final WebSocketConfig config;
    private final Generation generation;
    private final Tunnels tunnels;
    private final String key;
    private Tunnels.Slot slot;
    private List<String> offeredProtocols = List.of();
    private Set<String> offeredExtensions = Set.of();
    private UpstreamConnection upstream;
    private AutoCloseable upstreamEnd;
    private boolean deflate;

    private Handshake(String routeId, WebSocketConfig config, Generation generation, Tunnels tunnels, String key) {
        this.routeId = routeId;
        this.config = config;
        this.generation = generation;
        this.tunnels = tunnels;
        this.key = key;
    }

    /** Whether a request asks to switch to WebSocket ({@code Upgrade: websocket}); other upgrades are ignored. */
    public static boolean requested(Headers headers) {
        if (!headers.contains("Upgrade")) {
            return false; // nearly every request: nothing to split
        }
        return tokens(headers.all("Upgrade")).stream().anyMatch(token -> token.equalsIgnoreCase("websocket"));
    }

    /**
     * Checks a handshake request on a route, before the route's filters run, and takes one of the route's tunnel
     * slots; the caller must {@link #release()} the handshake when the request is over.
     *
     * @param host the request's {@code Host}, with its port
     * @throws GatewayException 400 when the route does not allow WebSocket or the handshake is malformed, 426 for a
     *                          version other than 13, 403 for an origin not allowed, 503 when the route has as many
     *                          tunnels open as it may
     */
    public static Handshake accept(String routeId, WebSocketConfig config, Generation generation, Tunnels tunnels,
                                   String method, boolean http10, Headers headers, String host) {
        if (!WebSocketConfig.allows(config)) {
            throw refused(400, "websocket_not_allowed", "this route does not accept WebSocket connections");
        }
        if (!method.equals("GET") || http10) {
            throw refused(400, "invalid_handshake", "a WebSocket handshake is an HTTP/1.1 GET request");
        }
        if (!HopByHop.connectionTokens(headers).contains("upgrade")) {
            throw refused(400, "invalid_handshake", "a WebSocket handshake needs Connection: Upgrade");
        }
        if (headers.contains("Transfer-Encoding") || !headers.first("Content-Length").orElse("0").equals("0")) {
            throw refused(400, "invalid_handshake", "a WebSocket handshake has no body");
        }
        List<String> versions = headers.all("Sec-WebSocket-Version");
        if (versions.size() != 1 || !versions.getFirst().trim().equals("13")) {
            throw refused(426, "websocket_version", "only WebSocket version 13 is supported")
                    .header("Sec-WebSocket-Version", "13");
        }
        List<String> keys = headers.all("Sec-WebSocket-Key");
        if (keys.size() != 1 || !validKey(keys.getFirst().trim())) {
            throw refused(400, "invalid_handshake", "Sec-WebSocket-Key must be the base64 of 16 bytes");
        }
        List<String> origins = headers.all("Origin");
        if (origins.size() > 1 || (origins.size() == 1 && !originAllowed(origins.getFirst().trim(), config, host))) {
            throw refused(403, "origin_not_allowed", "this origin may not open WebSocket connections here");
        }
        Handshake handshake = new Handshake(routeId, config, generation, tunnels, keys.getFirst().trim());
        handshake.slot = tunnels.reserve(routeId, config.maxConnections());
        if (handshake.slot == null) {
            throw refused(503, "overloaded", "the route has as many WebSocket connections open as it may; "
                    + "try again later").header("Retry-After", "1");
        }
        return handshake;
    }

    private static GatewayException refused(int status, String code, String message) {
        return new GatewayException(status, code, message);
    }

    static boolean validKey(String key) {
        if (key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Whether the {@code Origin} of a browser's handshake may open a tunnel: one of {@code allowed_origins}, or by
     * default the request's own host, so a page elsewhere cannot ride the user's cookies into a WebSocket
     * (cross-site WebSocket hijacking). The default compares the origin's host and port as written with the
     * {@code Host} header, whatever the scheme (as gorilla/websocket does): behind a proxy that terminates TLS the
     * gateway cannot know the scheme the browser used.
     */
    static boolean originAllowed(String origin, WebSocketConfig config, String host) {
        OriginPattern.Origin parsed;
        try {
            parsed = OriginPattern.Origin.parse(origin);
        } catch (IllegalArgumentException e) {
            return config.allowedOrigins().contains("*"); // "null" and other opaque origins
        }
        if (config.allowedOrigins().isEmpty()) {
            String authority = java.net.URI.create(origin).getRawAuthority();
            return authority != null && authority.equalsIgnoreCase(host);
        }
        for (String allowed : config.allowedOrigins()) {
            if (OriginPattern.parse(allowed).matches(parsed)) {
                return true;
            }
        }
        return false;
    }

    /** @return the handshake an exchange carries, or {@code null} for an ordinary request */
    public static Handshake of(GatewayExchange exchange) {
        return exchange.attribute(ATTRIBUTE) instanceof Handshake handshake ? handshake : null;
    }

    /**
     * Fixes the handshake headers of the request about to go upstream (a filter may not change the key the client's
     * answer depends on) and notes the subprotocols and extensions offered, which the upstream may only pick from.
     */
    public void prepare(Headers headers) {
        headers.set("Sec-WebSocket-Key", key);
        headers.set("Sec-WebSocket-Version", "13");
        offeredProtocols = List.copyOf(tokens(headers.all("Sec-WebSocket-Protocol")));
        offeredExtensions = extensionNames(headers.all("Sec-WebSocket-Extensions"));
    }

    /**
     * Checks the upstream's {@code 101} (its {@code Upgrade} and {@code Connection} were checked as it was read) and
     * takes its connection for the tunnel.
     *
     * @param end closes the upstream's side when the tunnel is over (and tells the balancer)
     * @return why the {@code 101} is refused, or {@code null}
     */
    public String upgraded(Response response, UpstreamConnection connection, AutoCloseable end) {
        Headers headers = response.headers();
        List<String> accept = headers.all("Sec-WebSocket-Accept");
        if (accept.size() != 1 || !accept.getFirst().trim().equals(accept(key))) {
            return "a 101 whose Sec-WebSocket-Accept does not answer the key";
        }
        List<String> protocol = headers.all("Sec-WebSocket-Protocol");
        if (protocol.size() > 1 || (protocol.size() == 1 && !offeredProtocols.contains(protocol.getFirst().trim()))) {
            return "a 101 choosing a subprotocol the client did not offer";
        }
        Set<String> extensions = extensionNames(headers.all("Sec-WebSocket-Extensions"));
        if (!offeredExtensions.containsAll(extensions)) {
            return "a 101 choosing an extension the client did not offer";
        }
        deflate = extensions.contains("permessage-deflate");
        upstream = connection;
        upstreamEnd = end;
        return null;
    }

    /** @return whether the upstream switched protocols and its connection waits for the tunnel */
    public boolean isUpgraded() {
        return upstream != null;
    }

    /**
     * Runs the tunnel until it ends; the client's response head ({@code 101}) is written first.
     *
     * @param response the {@code 101} as the filters left it
     */
    public Tunnel.Result tunnel(Response response, ClientSide client, String requestId) {
        Tunnel tunnel = new Tunnel(routeId, requestId, config, generation, client, upstream, upstreamEnd, deflate);
        return tunnel.run(head(response), tunnels);
    }

    /** The client's {@code 101}: the upgrade headers, then the response's end-to-end headers. */
    private static byte[] head(Response response) {
        StringBuilder head = new StringBuilder(256)
                .append("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
        response.headers().forEach((name, value) -> {
            if (!HopByHop.isHopByHop(name) && !name.equalsIgnoreCase("Content-Length")) {
                head.append(name).append(": ").append(value).append("\r\n");
            }
        });
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Gives back the route's tunnel slot (once; later calls do nothing). */
    public void release() {
        if (slot != null) {
            slot.release();
        }
        if (upstream != null && upstreamEnd != null) {
            closeQuietly(upstreamEnd); // upgraded but never tunnelled (a filter replaced the 101)
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // the connection is being let go of anyway
        }
    }

    static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from the JDK", e);
        }
    }

    private static List<String> tokens(List<String> values) {
        List<String> tokens = new ArrayList<>();
        for (String value : values) {
            for (String token : value.split(",")) {
                String trimmed = token.trim();
                if (!trimmed.isEmpty()) {
                    tokens.add(trimmed);
                }
            }
        }
        return tokens;
    }

    private static Set<String> extensionNames(List<String> values) {
        Set<String> names = new LinkedHashSet<>();
        for (String value : values) {
            for (String extension : value.split(",")) {
                String name = extension.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
