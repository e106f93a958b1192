package io.gatehouse.core.config;

import java.util.List;

/**
 * TLS on the public listener ({@code server.tls}); the listener speaks cleartext when the block is absent.
 *
 * @param certificates      the certificates to serve, each a PEM chain and key or a PKCS#12 file; the one whose
 *                          names match the client's SNI name is served, else the first; required, at least one
 * @param protocols         the TLS versions accepted; default {@code [TLSv1.3, TLSv1.2]} (older ones are refused)
 * @param cipherSuites      the cipher suites accepted, in the JDK's names; default the JDK's
 * @param clientAuth        whether clients present a certificate: {@code none}, {@code optional} or
 *                          {@code required}; default {@code none}
 * @param clientCa          PEM file of the CAs that client certificates must chain to; required unless
 *                          {@code client_auth} is {@code none}
 * @param forwardClientCert whether the verified client certificate goes to the upstream as
 *                          {@code X-Forwarded-Client-Cert} (Envoy's format); default {@code false}. A copy the client
 *                          sent is always removed.
 * @param clientCertConsumer whether the common name of a verified client certificate becomes the consumer (kind
 *                          {@code client_cert}) before the first filter runs; default {@code false}
 */
public record ServerTlsConfig(List<Certificate> certificates, List<String> protocols, List<String> cipherSuites,
                              ClientAuth clientAuth, String clientCa, boolean forwardClientCert,
                              boolean clientCertConsumer) {

    /** The protocols served when {@code protocols} is not set. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    public ServerTlsConfig {
        certificates = certificates == null ? List.of() : certificates;
        protocols = protocols == null ? DEFAULT_PROTOCOLS : protocols;
        cipherSuites = cipherSuites == null ? List.of() : cipherSuites;
        clientAuth = clientAuth == null ? ClientAuth.NONE : clientAuth;
    }

    /** Whether the listener asks for client certificates. */
    public enum ClientAuth { NONE, OPTIONAL, REQUIRED }

    /**
     * One certificate with its key: {@code cert} and {@code key} (PEM), or {@code pkcs12} and {@code password}.
     * Paths are relative to the gateway home.
     *
     * @param cert     PEM file with the certificate chain, leaf first
     * @param key      PEM file with the private key (PKCS#8, or PKCS#1 RSA)
     * @param pkcs12   PKCS#12 file holding the key and its chain
     * @param password the PKCS#12 file's password; default none ({@code ${ENV}} keeps it out of the file)
     */
    public record Certificate(String cert, String key, String pkcs12, String password) {
    }
}
