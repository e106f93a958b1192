package io.gatehouse.core.config;

/**
 * How the gateway checks and authenticates to an upstream's {@code https://} endpoints ({@code upstreams.NAME.tls}).
 * Without this block they are verified against the JDK's trust store, host name included.
 *
 * @param ca                 PEM file of the CAs the endpoints' certificates must chain to, instead of the JDK's
 *                           trust store; default none
 * @param verifyHostname     whether the certificate must name the host ({@code sni}, else the endpoint's host);
 *                           default {@code true}
 * @param insecureSkipVerify accept any certificate at all (testing only; logged as a warning at every load); default
 *                           {@code false}
 * @param cert               PEM file of the client certificate chain presented to the endpoints (mTLS); default none
 * @param key                PEM file of its private key; required with {@code cert}
 * @param sni                the server name sent (SNI) and verified; default the endpoint's host (none for an IP
 *                           address)
 */
public record UpstreamTlsConfig(String ca, Boolean verifyHostname, boolean insecureSkipVerify, String cert,
                                String key, String sni) {
    public UpstreamTlsConfig {
        verifyHostname = verifyHostname == null ? Boolean.TRUE : verifyHostname;
    }
}
