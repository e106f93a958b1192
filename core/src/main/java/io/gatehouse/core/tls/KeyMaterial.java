package io.gatehouse.core.tls;

import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A private key with its certificate chain, read from PEM files (Helidon's PEM reader: PKCS#8, encrypted PKCS#8 is
 * not supported, PKCS#1 RSA) or a PKCS#12 file, and checked to belong together.
 *
 * @param key   the private key
 * @param chain the certificate chain, leaf first; at least one
 */
record KeyMaterial(PrivateKey key, X509Certificate[] chain) {

    /** @throws IllegalArgumentException saying what is wrong, in words fit for a config problem */
    static KeyMaterial pem(Path cert, Path key) {
        readable(cert);
        readable(key);
        Keys keys;
        try {
            keys = Keys.builder().pem(pem -> pem.key(Resource.create(key)).certChain(Resource.create(cert))).build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot read the PEM key or certificate (" + message(e) + ")");
        }
        PrivateKey privateKey = keys.privateKey().orElseThrow(() -> new IllegalArgumentException(
                "no private key in " + key));
        List<X509Certificate> chain = keys.certChain();
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("no certificate in " + cert);
        }
        return checked(privateKey, chain.toArray(X509Certificate[]::new));
    }

    /** @throws IllegalArgumentException saying what is wrong */
    static KeyMaterial pkcs12(Path file, String password) {
        readable(file);
        char[] secret = password == null ? new char[0] : password.toCharArray();
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, secret);
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias) && store.getKey(alias, secret) instanceof PrivateKey key) {
                    Certificate[] chain = store.getCertificateChain(alias);
                    if (chain == null || chain.length == 0) {
                        continue;
                    }
                    List<X509Certificate> x509 = new ArrayList<>();
                    for (Certificate c : chain) {
                        x509.add((X509Certificate) c);
                    }
                    return checked(key, x509.toArray(X509Certificate[]::new));
                }
            }
            throw new IllegalArgumentException("no private key with a certificate in " + file);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the PKCS#12 file " + file + " (" + message(e)
                    + "; is the password right?)");
        }
    }

    /** The certificates of a PEM file (a CA bundle). */
    static List<X509Certificate> certificates(Path file) {
        readable(file);
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) c);
            }
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + file);
            }
            return certificates;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read certificates from " + file + " (" + message(e) + ")");
        }
    }

    /** The key must sign what the leaf certificate's public key verifies: a key of another pair fails handshakes. */
    private static KeyMaterial checked(PrivateKey key, X509Certificate[] chain) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        try {
            byte[] probe = "gatehouse key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature sign = signature(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = signature(algorithm);
            verify.initVerify(chain[0].getPublicKey());
            verify.update(probe);
            if (!verify.verify(signature)) {
                throw new IllegalArgumentException("the private key does not match the certificate "
                        + chain[0].getSubjectX500Principal().getName());
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the private key does not match the certificate "
                    + chain[0].getSubjectX500Principal().getName() + " (" + message(e) + ")");
        }
        return new KeyMaterial(key, chain);
    }

    private static Signature signature(String algorithm) throws GeneralSecurityException {
        Signature signature = Signature.getInstance(algorithm);
        if ("RSASSA-PSS".equals(algorithm)) {
            signature.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                    java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        }
        return signature;
    }

    private static void readable(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read " + file + " (permissions)");
        }
    }

    private static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage();
        return text == null ? root.getClass().getSimpleName() : text;
    }
}
