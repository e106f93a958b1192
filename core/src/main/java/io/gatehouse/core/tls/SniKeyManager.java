package io.gatehouse.core.tls;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The listener's certificates, chosen per handshake by the client's SNI name: the first whose DNS names (subject
 * alternative names, else the common name; {@code *.example.com} matches one label) match it, else the first one.
 * The set can be swapped while the listener runs ({@link #use}): a rotated certificate is served from the next
 * handshake on, and a handshake that chose a certificate just before a swap still finds it by its alias.
 */
final class SniKeyManager extends X509ExtendedKeyManager {

    private static final AtomicLong GENERATIONS = new AtomicLong();

    private volatile Certificates current;
    private volatile Certificates previous;

    SniKeyManager(List<KeyMaterial> certificates) {
        this.current = new Certificates(GENERATIONS.incrementAndGet(), certificates);
        this.previous = current;
    }

    /** Serves {@code certificates} from the next handshake on. */
    void use(List<KeyMaterial> certificates) {
        Certificates next = new Certificates(GENERATIONS.incrementAndGet(), certificates);
        previous = current;
        current = next;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return choose(keyType, socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    private String choose(String keyType, SSLSession handshake) {
        String name = null;
        if (handshake instanceof ExtendedSSLSession extended) {
            for (SNIServerName requested : extended.getRequestedServerNames()) {
                if (requested instanceof SNIHostName host) {
                    name = host.getAsciiName().toLowerCase(Locale.ROOT);
                }
            }
        }
        return current.choose(keyType, name);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Entry entry = entry(alias);
        return entry == null ? null : entry.material.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Entry entry = entry(alias);
        return entry == null ? null : entry.material.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return current.entries.stream().filter(e -> e.fits(keyType)).map(e -> e.alias).toArray(String[]::new);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    private Entry entry(String alias) {
        Entry entry = current.byAlias.get(alias);
        return entry != null ? entry : previous.byAlias.get(alias);
    }

    /** The DNS names a certificate is valid for: its DNS subject alternative names, else its common name. */
    static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0))) {
                        names.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no usable names: the common name below, if any
        }
        if (names.isEmpty()) {
            String cn = commonName(certificate);
            if (cn != null) {
                names.add(cn.toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    /** @return the subject's CN, or {@code null} */
    static String commonName(X509Certificate certificate) {
        try {
            LdapName name = new LdapName(certificate.getSubjectX500Principal().getName());
            for (Rdn rdn : name.getRdns().reversed()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            // none
        }
        return null;
    }

    static boolean matches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot).equals(pattern.substring(1));
        }
        return pattern.equals(host);
    }

    private record Entry(String alias, KeyMaterial material, List<String> names) {
        boolean fits(String keyType) {
            String algorithm = material.key().getAlgorithm();
            return keyType == null || keyType.equals(algorithm)
                    || ("RSASSA-PSS".equals(keyType) && "RSA".equals(algorithm));
        }

        boolean serves(String host) {
            return names.stream().anyMatch(pattern -> matches(pattern, host));
        }
    }

    private static final class Certificates {
        private final List<Entry> entries = new ArrayList<>();
        private final Map<String, Entry> byAlias = new HashMap<>();

        Certificates(long generation, List<KeyMaterial> materials) {
            for (int i = 0; i < materials.size(); i++) {
                KeyMaterial material = materials.get(i);
                Entry entry = new Entry(generation + "-" + i, material, dnsNames(material.chain()[0]));
                entries.add(entry);
                byAlias.put(entry.alias, entry);
            }
        }

        /**
         * The JDK asks once per signature scheme the client offers (an EC key type, then RSA, ...): when some
         * certificate serves the name, only those answer, so a default certificate of the client's first key type
         * does not win over the named one of its second.
         */
        String choose(String keyType, String host) {
            boolean named = host != null && entries.stream().anyMatch(entry -> entry.serves(host));
            for (Entry entry : entries) {
                if (entry.fits(keyType) && (!named || entry.serves(host))) {
                    return entry.alias;
                }
            }
            return null;
        }
    }
}
