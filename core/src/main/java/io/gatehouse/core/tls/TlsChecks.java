package io.gatehouse.core.tls;

import io.gatehouse.core.config.ConfigPath;
import io.gatehouse.core.config.GatewayConfig;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.config.ServerTlsConfig;
import io.gatehouse.core.config.UpstreamTlsConfig;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The checks of {@code server.tls} and {@code upstreams.NAME.tls}, files included: each certificate and key is read
 * and matched, so a typo or a key of another certificate is a config problem ({@code gatehouse check}, startup, a
 * reload) rather than a listener that fails every handshake.
 */
public final class TlsChecks {

    /** TLS 1.0 and 1.1 are disabled by the JDK (RFC 8996); SSLv3 long before. */
    private static final Set<String> PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

    private TlsChecks() {
    }

    /** @return every problem of the config's TLS settings, with its path; empty when they are usable */
    public static List<Problem> problems(GatewayConfig config, Path home) {
        List<Problem> problems = new ArrayList<>();
        if (config.server() != null && config.server().tls() != null) {
            server(config.server().tls(), home, problems);
        }
        config.upstreams().forEach((name, upstream) -> {
            if (upstream != null) {
                upstream(upstream.tls(), ConfigPath.key(ConfigPath.key("upstreams", name), "tls"), home, problems);
            }
        });
        return problems;
    }

    private static void server(ServerTlsConfig tls, Path home, List<Problem> problems) {
        String base = "server.tls";
        List<ServerTlsConfig.Certificate> certificates = tls.certificates();
        if (certificates.isEmpty()) {
            problems.add(new Problem(base + ".certificates", "at least one certificate is required "
                    + "({cert: chain.pem, key: key.pem} or {pkcs12: file.p12, password: ...})"));
        }
        for (int i = 0; i < certificates.size(); i++) {
            certificate(certificates.get(i), ConfigPath.index(base + ".certificates", i), home, problems);
        }
        List<String> protocols = tls.protocols();
        if (protocols.isEmpty()) {
            problems.add(new Problem(base + ".protocols", "at least one of TLSv1.3, TLSv1.2 is required"));
        }
        for (int i = 0; i < protocols.size(); i++) {
            if (!PROTOCOLS.contains(protocols.get(i))) {
                problems.add(new Problem(ConfigPath.index(base + ".protocols", i), "'" + protocols.get(i)
                        + "' is not supported: TLSv1.3 and TLSv1.2 are (older versions are insecure)"));
            }
        }
        Set<String> suites = supportedCipherSuites();
        for (int i = 0; i < tls.cipherSuites().size(); i++) {
            String suite = tls.cipherSuites().get(i);
            if (!suites.contains(suite)) {
                problems.add(new Problem(ConfigPath.index(base + ".cipher_suites", i), "unknown cipher suite '"
                        + suite + "' (JDK names, like TLS_AES_128_GCM_SHA256)"));
            }
        }
        if (tls.clientAuth() != ServerTlsConfig.ClientAuth.NONE) {
            if (tls.clientCa() == null) {
                problems.add(new Problem(base + ".client_ca", "required when client_auth is "
                        + tls.clientAuth().name().toLowerCase(java.util.Locale.ROOT)
                        + " (PEM file of the CAs client certificates must chain to)"));
            } else {
                readCertificates(home, tls.clientCa(), base + ".client_ca", problems);
            }
        } else if (tls.forwardClientCert() || tls.clientCertConsumer()) {
            problems.add(new Problem(base + ".client_auth", "must be optional or required for "
                    + (tls.forwardClientCert() ? "forward_client_cert" : "client_cert_consumer")));
        }
    }

    private static void certificate(ServerTlsConfig.Certificate c, String path, Path home, List<Problem> problems) {
        if (c == null) {
            return;
        }
        boolean pem = c.cert() != null || c.key() != null;
        if (pem && c.pkcs12() != null) {
            problems.add(new Problem(path, "either cert and key (PEM) or pkcs12, not both"));
        } else if (c.pkcs12() != null) {
            try {
                KeyMaterial.pkcs12(home.resolve(c.pkcs12()), c.password());
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(ConfigPath.key(path, "pkcs12"), e.getMessage()));
            }
        } else if (c.cert() == null || c.key() == null) {
            problems.add(new Problem(ConfigPath.key(path, c.cert() == null ? "cert" : "key"), "required"
                    + (pem ? "" : " (or pkcs12)")));
        } else {
            keyPair(home, c.cert(), c.key(), path, problems);
        }
    }

    private static void upstream(UpstreamTlsConfig tls, String base, Path home, List<Problem> problems) {
        if (tls.ca() != null) {
            if (tls.insecureSkipVerify()) {
                problems.add(new Problem(ConfigPath.key(base, "insecure_skip_verify"), "cannot be combined with ca "
                        + "(a CA to verify against, or no verification: choose one)"));
            }
            readCertificates(home, tls.ca(), ConfigPath.key(base, "ca"), problems);
        }
        if ((tls.cert() == null) != (tls.key() == null)) {
            problems.add(new Problem(ConfigPath.key(base, tls.cert() == null ? "cert" : "key"), "required with "
                    + (tls.cert() == null ? "key" : "cert")));
        } else if (tls.cert() != null) {
            keyPair(home, tls.cert(), tls.key(), base, problems);
        }
        if (tls.sni() != null && !tls.sni().matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
                + "(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
            problems.add(new Problem(ConfigPath.key(base, "sni"), "expected a host name like api.example.com, got '"
                    + tls.sni() + "'"));
        }
    }

    private static void keyPair(Path home, String cert, String key, String path, List<Problem> problems) {
        try {
            KeyMaterial.pem(home.resolve(cert), home.resolve(key));
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(path, e.getMessage()));
        }
    }

    private static void readCertificates(Path home, String file, String path, List<Problem> problems) {
        try {
            KeyMaterial.certificates(home.resolve(file));
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(path, e.getMessage()));
        }
    }

    private static Set<String> supportedCipherSuites() {
        try {
            return Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            return Set.of();
        }
    }
}
