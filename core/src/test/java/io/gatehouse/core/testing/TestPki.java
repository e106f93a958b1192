package io.gatehouse.core.testing;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made in the test with Debian's {@code openssl} CLI (P-256 keys, PKCS#8 PEM): it issues
 * server and client certificates with the names asked for, and gives JDK clients an {@link SSLContext} that trusts
 * it. Nothing is committed: every file lives in the test's own directory.
 */
public final class TestPki {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final String name;

    private TestPki(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    /** A new CA, {@code NAME.pem} and {@code NAME.key} in {@code dir}. */
    public static TestPki create(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        TestPki pki = new TestPki(dir, name);
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", name + ".key", "-out", name + ".pem", "-days", "2", "-subj", "/CN=" + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return pki;
    }

    /** @return the CA certificate (PEM) */
    public Path caFile() {
        return dir.resolve(name + ".pem");
    }

    /**
     * Issues a certificate for server and client use, files {@code FILE.pem} and {@code FILE.key}.
     *
     * @param file  the files' base name in the CA's directory
     * @param cn    the subject's common name
     * @param sans  subject alternative names, e.g. {@code DNS:localhost}, {@code IP:127.0.0.1}; may be none
     */
    public Issued issue(String file, String cn, String... sans) throws IOException {
        openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", file + ".key", "-out", file + ".csr", "-subj", "/O=Gatehouse Test/CN=" + cn);
        return sign(file, sans);
    }

    /** Like {@link #issue}, with a 2048-bit RSA key in the PKCS#1 format ({@code BEGIN RSA PRIVATE KEY}). */
    public Issued issueRsa(String file, String cn, String... sans) throws IOException {
        openssl(dir, "genrsa", "-traditional", "-out", file + ".key", "2048");
        openssl(dir, "req", "-new", "-key", file + ".key", "-out", file + ".csr", "-subj",
                "/O=Gatehouse Test/CN=" + cn);
        return sign(file, sans);
    }

    private Issued sign(String file, String... sans) throws IOException {
        StringBuilder ext = new StringBuilder("basicConstraints=CA:FALSE\n"
                + "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n");
        if (sans.length > 0) {
            ext.append("subjectAltName=").append(String.join(",", sans)).append('\n');
        }
        Files.writeString(dir.resolve(file + ".ext"), ext);
        BigInteger serial = new BigInteger(64, RANDOM).setBit(62);
        openssl(dir, "x509", "-req", "-in", file + ".csr", "-CA", name + ".pem", "-CAkey", name + ".key",
                "-set_serial", "0x" + serial.toString(16), "-days", "2", "-extfile", file + ".ext",
                "-out", file + ".pem");
        return new Issued(dir.resolve(file + ".pem"), dir.resolve(file + ".key"), serial);
    }

    /** An SSLContext that trusts this CA only, and presents {@code client} (its key and chain) when given. */
    public SSLContext clientContext(Issued client) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", read(caFile()));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = null;
        if (client != null) {
            Path p12 = client.pkcs12("secret");
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                keys.load(in, "secret".toCharArray());
            }
            keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, "secret".toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(),
                null);
        return context;
    }

    /** A server's SSLContext: presents {@code server}, and trusts this CA for client certificates. */
    public SSLContext serverContext(Issued server) throws Exception {
        return clientContext(server);
    }

    public SSLContext clientContext() throws Exception {
        return clientContext(null);
    }

    public static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /**
     * An issued certificate.
     *
     * @param cert   its PEM file
     * @param key    its key's PEM file (PKCS#8)
     * @param serial its serial number
     */
    public record Issued(Path cert, Path key, BigInteger serial) {

        /** Writes a PKCS#12 file of the key and certificate next to them; @return its path */
        public Path pkcs12(String password) throws IOException {
            Path out = cert.resolveSibling(cert.getFileName().toString().replace(".pem", ".p12"));
            openssl(cert.getParent(), "pkcs12", "-export", "-in", cert.getFileName().toString(), "-inkey",
                    key.getFileName().toString(), "-out", out.getFileName().toString(), "-passout",
                    "pass:" + password);
            return out;
        }
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("openssl " + String.join(" ", args) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
