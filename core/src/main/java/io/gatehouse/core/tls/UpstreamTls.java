package io.gatehouse.core.tls;

import io.gatehouse.core.config.UpstreamTlsConfig;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.regex.Pattern;

/**
 * TLS to an upstream's {@code https://} endpoints: the certificate verified against the JDK's trust store or the
 * configured CAs, the host name verified (the {@code sni} name, else the endpoint's host), SNI sent, and a client
 * certificate presented when configured. Built once per upstream config; thread-safe.
 */
public final class UpstreamTls {

    private static final System.Logger LOG = System.getLogger(UpstreamTls.class.getName());
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String[] HTTP_1_1 = {"http/1.1"};

    private final KeyManager[] keys;
    private final TrustManager[] trust;
    private final boolean verifyHostname;
    private final String sni;
    /**
     * Made at the first {@code https://} connection, not with the config: the first TLS context of a JVM reads the
     * JDK's trust store and loads the TLS stack (200-250 ms in a fresh JVM on a 2-core machine, ~325 classes), which
     * a gateway whose upstreams are all plain HTTP would otherwise pay at every start. The key material is read and
     * checked with the config.
     */
    private volatile SSLSocketFactory factory;

    private UpstreamTls(KeyManager[] keys, TrustManager[] trust, boolean verifyHostname, String sni) {
        this.keys = keys;
        this.trust = trust;
        this.verifyHostname = verifyHostname;
        this.sni = sni;
    }

    /** The default: the JDK's trust store, host names verified. */
    public static UpstreamTls verifying() {
        return new UpstreamTls(null, null, true, null);
    }

    /**
     * @param upstream the upstream's name, for the warning about {@code insecure_skip_verify}
     * @throws IllegalArgumentException when a file cannot be read or the key does not match (the config check reports
     *                                  these with their paths first: {@link TlsChecks})
     */
    public static UpstreamTls of(UpstreamTlsConfig config, Path home, String upstream) {
        try {
            TrustManager[] trust;
            if (config.insecureSkipVerify()) {
                LOG.log(Level.WARNING, "upstreams.{0}.tls.insecure_skip_verify is on: the certificates of its "
                        + "https endpoints are NOT verified, anyone on the path can read and change its traffic; "
                        + "use tls.ca instead", upstream);
                trust = new TrustManager[] {new TrustingEverything()};
            } else if (config.ca() != null) {
                trust = TrustStores.of(KeyMaterial.certificates(home.resolve(config.ca()))).getTrustManagers();
            } else {
                trust = null;
            }
            KeyManager[] keys = null;
            if (config.cert() != null) {
                KeyMaterial client = KeyMaterial.pem(home.resolve(config.cert()), home.resolve(config.key()));
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                char[] none = new char[0];
                store.setKeyEntry("client", client.key(), none, client.chain());
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(store, none);
                keys = factory.getKeyManagers();
            }
            return new UpstreamTls(keys, trust, config.verifyHostname() && !config.insecureSkipVerify(), config.sni());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private SSLSocketFactory factory() throws SSLException {
        SSLSocketFactory made = factory;
        if (made == null) {
            synchronized (this) {
                made = factory;
                if (made == null) {
                    try {
                        SSLContext context = SSLContext.getInstance("TLS");
                        context.init(keys, trust, null);
                        made = context.getSocketFactory();
                    } catch (GeneralSecurityException e) {
                        throw new SSLException("the JDK cannot set up TLS: " + e.getMessage(), e);
                    }
                    factory = made;
                }
            }
        }
        return made;
    }

    /**
     * Layers TLS over a connected socket; the handshake is the caller's ({@link SSLSocket#startHandshake()}).
     *
     * @param host the endpoint's host
     */
    public SSLSocket wrap(Socket socket, String host, int port) throws IOException {
        String name = sni != null ? sni : host;
        SSLSocket ssl = (SSLSocket) factory().createSocket(socket, name, port, true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setApplicationProtocols(HTTP_1_1);
        // SNI carries host names only; an IP endpoint is verified against the certificate's IP addresses
        parameters.setServerNames(isIpLiteral(name) ? List.of() : List.of(new SNIHostName(name)));
        parameters.setEndpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
        ssl.setSSLParameters(parameters);
        return ssl;
    }

    /** @return whether {@code e} (or its cause) is a failed TLS handshake rather than a network failure */
    public static boolean isHandshakeFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
    }

    /** {@code insecure_skip_verify}: every certificate passes. */
    private static final class TrustingEverything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
