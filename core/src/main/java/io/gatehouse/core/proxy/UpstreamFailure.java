package io.gatehouse.core.proxy;

import io.gatehouse.api.GatewayException;

/**
 * An upstream's own failure, answered 502, 503 or 504 with a detail in the gateway's words: it names the upstream,
 * never an endpoint address or exception text. Those are in the log line the proxy wrote when it happened (so
 * whoever renders this one does not log it again), and in {@link #getCause()}.
 */
public final class UpstreamFailure extends GatewayException {

    private static final long serialVersionUID = 1L;

    /** What went wrong, with its status, code and the wording of its detail. */
    public enum Kind {
        UNREACHABLE(502, "upstream_unreachable", "could not be reached"),
        TLS(502, "upstream_tls", "failed the TLS handshake: its certificate is not trusted or does not name the "
                + "host, it refused the gateway's client certificate, or no TLS version or cipher was agreed (see "
                + "upstreams.NAME.tls)"),
        TIMEOUT(504, "upstream_timeout", "did not answer in time"),
        STOPPED_READING(504, "upstream_timeout", "stopped reading the request"),
        BROKEN(502, "upstream_error", "closed the connection before its response was complete"),
        BAD_RESPONSE(502, "upstream_bad_response", "answered with a response that is not valid HTTP/1.1"),
        ERROR_STATUS(502, "upstream_error", "answered with an error"),
        NO_ENDPOINT(503, "no_healthy_upstream", "has no available endpoint"),
        CIRCUIT_OPEN(503, "circuit_open", "is failing: its circuit breakers are open");

        private final int status;
        private final String code;
        private final String what;

        Kind(int status, String code, String what) {
            this.status = status;
            this.code = code;
            this.what = what;
        }

        /** @return e.g. "did not answer in time" */
        public String what() {
            return what;
        }
    }

    private final Kind kind;

    UpstreamFailure(Kind kind, String upstream, Throwable cause) {
        super(kind.status, kind.code, "the upstream '" + upstream + "' " + kind.what, cause);
        this.kind = kind;
        if (kind == Kind.NO_ENDPOINT) {
            header("Retry-After", "1");
        }
    }

    /** Every endpoint's circuit is open: a request may pass again in {@code retryAfterSeconds}. */
    static UpstreamFailure circuitOpen(String upstream, long retryAfterSeconds) {
        UpstreamFailure open = new UpstreamFailure(Kind.CIRCUIT_OPEN, upstream, null);
        open.header("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
        return open;
    }

    public Kind kind() {
        return kind;
    }
}
