package io.gatehouse.core.tls;

import io.gatehouse.api.Consumer;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Headers;
import io.gatehouse.core.config.ServerTlsConfig;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The certificate a client presented on the listener, verified by the handshake against {@code server.tls.client_ca}.
 * Filters read it from the exchange's attributes ({@link #SUBJECT}, {@link #SANS}, {@link #SHA256},
 * {@link #COMMON_NAME}); the upstream gets it as {@code X-Forwarded-Client-Cert} when
 * {@code server.tls.forward_client_cert} is on; its common name can become the consumer.
 *
 * @param subject    the subject distinguished name (RFC 2253), e.g. {@code CN=client-a,O=Example}
 * @param commonName the subject's CN, or {@code null}
 * @param sans       the subject alternative names as {@code DNS:name}, {@code URI:uri}, {@code IP:address},
 *                   {@code email:address}
 * @param sha256     the SHA-256 of the certificate (DER), lower-case hex
 */
public record ClientCertificate(String subject, String commonName, List<String> sans, String sha256) {

    /** Exchange attribute: the subject DN, a String. */
    public static final String SUBJECT = "tls.client.subject";
    /** Exchange attribute: the common name, a String (absent when the subject has none). */
    public static final String COMMON_NAME = "tls.client.common_name";
    /** Exchange attribute: the subject alternative names joined with {@code ", "}, a String. */
    public static final String SANS = "tls.client.sans";
    /** Exchange attribute: the certificate's SHA-256 fingerprint, a String. */
    public static final String SHA256 = "tls.client.sha256";
    /** Envoy's header for the client certificate of the downstream connection. */
    public static final String HEADER = "X-Forwarded-Client-Cert";
    /** The consumer's credential kind when the certificate names the consumer. */
    public static final String CREDENTIAL = "client_cert";

    public ClientCertificate {
        sans = List.copyOf(sans);
    }

    /**
     * @param certificates the peer's verified chain, as the listener reports it (it may throw when there is none)
     * @return the leaf's identity, or {@code null} when the client presented no certificate
     */
    public static ClientCertificate of(Supplier<Optional<Certificate[]>> certificates) {
        Certificate[] chain;
        try {
            chain = certificates.get().orElse(null);
        } catch (RuntimeException e) {
            return null; // no TLS, or no certificate presented
        }
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return null;
        }
        return of(leaf);
    }

    static ClientCertificate of(X509Certificate leaf) {
        String sha256;
        try {
            sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            sha256 = "";
        }
        return new ClientCertificate(leaf.getSubjectX500Principal().getName(), SniKeyManager.commonName(leaf),
                alternativeNames(leaf), sha256);
    }

    /**
     * Before the first filter runs: removes any {@code X-Forwarded-Client-Cert} the client sent (only the gateway
     * speaks for the certificate), then records this certificate in the exchange, the header and the consumer as
     * {@code server.tls} says.
     *
     * @param certificate the client's certificate, or {@code null}
     * @param tls         {@code server.tls}, or {@code null} for a cleartext listener
     */
    public static void intake(ClientCertificate certificate, Headers headers, Exchange exchange,
                              ServerTlsConfig tls) {
        headers.remove(HEADER);
        if (certificate == null || tls == null) {
            return;
        }
        Map<String, Object> attributes = exchange.attributes();
        attributes.put(SUBJECT, certificate.subject);
        attributes.put(SANS, String.join(", ", certificate.sans));
        attributes.put(SHA256, certificate.sha256);
        if (certificate.commonName != null) {
            attributes.put(COMMON_NAME, certificate.commonName);
        }
        if (tls.forwardClientCert()) {
            headers.set(HEADER, certificate.forwardedHeader());
        }
        if (tls.clientCertConsumer() && certificate.commonName != null && !certificate.commonName.isBlank()) {
            try {
                exchange.authenticate(new Consumer(certificate.commonName, CREDENTIAL, List.of(),
                        Map.of("subject", certificate.subject)));
            } catch (IllegalArgumentException e) {
                // a CN with control characters names no consumer
            }
        }
    }

    /** Envoy's format: {@code Hash=...;Subject="...";URI=...;DNS=...}, values with , ; = or " quoted. */
    public String forwardedHeader() {
        StringBuilder value = new StringBuilder("Hash=").append(sha256).append(";Subject=").append(quoted(subject));
        for (String san : sans) {
            int colon = san.indexOf(':');
            String kind = san.substring(0, colon);
            if (kind.equals("URI") || kind.equals("DNS")) {
                value.append(';').append(kind).append('=').append(quoted(san.substring(colon + 1)));
            }
        }
        return value.toString();
    }

    private static String quoted(String text) {
        String clean = text.replaceAll("[\\x00-\\x1f\\x7f]", "");
        if (clean.matches("[^,;=\"]*")) {
            return clean;
        }
        return '"' + clean.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static List<String> alternativeNames(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans == null) {
                return names;
            }
            for (List<?> san : sans) {
                String kind = switch ((Integer) san.get(0)) {
                    case 1 -> "email";
                    case 2 -> "DNS";
                    case 6 -> "URI";
                    case 7 -> "IP";
                    default -> null;
                };
                if (kind != null && san.get(1) instanceof String value) {
                    names.add(kind + ":" + value);
                }
            }
        } catch (CertificateParsingException e) {
            // none readable
        }
        return names;
    }
}
