package io.gatehouse.core.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.lang.System.Logger.Level;
import java.util.List;

/**
 * The admin listener's first stage, a filter in front of every admin path (core operations, extra handlers, plugin
 * endpoints, the dashboard). Helidon 4.2's HTTP/1 parser takes a request's body framing on trust, so a request
 * whose length is ambiguous (RFC 9112 §6.3) is refused here before anything reads it: more than one
 * {@code Content-Length} value, a {@code Content-Length} that is not digits, {@code Content-Length} together with
 * {@code Transfer-Encoding}, or a {@code Transfer-Encoding} other than exactly {@code chunked} → 400 problem
 * ({@code bad_request_framing}) with {@code Connection: close}, and the connection is closed, so bytes after the
 * head are never read as a next request.
 *
 * <p>{@code HEAD} is answered 405 with {@code Allow: GET} and no body on every path: the admin handlers write
 * bodies, and Helidon would send them after the head of a HEAD response.
 */
final class AdminFraming implements Filter {

    private static final System.Logger LOG = System.getLogger(AdminFraming.class.getName());

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String refusal = refusal(req.headers());
        if (refusal != null) {
            LOG.log(Level.WARNING, "admin API: {0} {1} from {2} refused: {3}", req.prologue().method().text(),
                    req.path().rawPath(), req.remotePeer().address(), refusal);
            res.header(HeaderNames.CONNECTION, "close");
            AdminServer.problem(res, 400, "bad_request_framing", refusal);
            // Helidon keeps reading the connection after a "Connection: close" response; this ends it
            throw new CloseConnectionException("admin request with ambiguous framing: " + refusal);
        }
        if (req.prologue().method() == Method.HEAD) {
            res.status(405);
            res.header(HeaderNames.ALLOW, "GET");
            res.header(RequestIds.HEADER, RequestIds.generate());
            res.send();
            return;
        }
        chain.proceed();
    }

    /** @return why the request's body framing is refused, or {@code null} if it is unambiguous */
    static String refusal(ServerRequestHeaders headers) {
        List<String> lengths = headers.all(HeaderNames.CONTENT_LENGTH, List::of);
        List<String> codings = headers.all(HeaderNames.TRANSFER_ENCODING, List::of);
        if (!lengths.isEmpty() && !codings.isEmpty()) {
            return "a request must not have both Content-Length and Transfer-Encoding";
        }
        if (lengths.size() > 1 || lengths.stream().anyMatch(v -> v.contains(","))) {
            return "a request must have at most one Content-Length";
        }
        if (lengths.size() == 1 && !lengths.getFirst().strip().matches("[0-9]{1,18}")) {
            return "Content-Length must be a number of bytes";
        }
        if (codings.size() > 1 || codings.size() == 1 && !codings.getFirst().strip().equals("chunked")) {
            return "Transfer-Encoding must be exactly 'chunked'; got '" + String.join(", ", codings) + "'";
        }
        return null;
    }
}
