package io.gatehouse.core.tls;

import io.gatehouse.core.config.ServerTlsConfig;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.stream.Collectors;

/**
 * TLS on the public listener: an {@link SSLContext} built here around a {@link SniKeyManager}, handed to Helidon's
 * listener as its {@link Tls}. The certificate files are polled (modification time and size, every
 * {@link #POLL}); when they change they are read again and served from the next handshake on, without a restart.
 * A new set that cannot be read, or whose key does not match its certificate, is logged as an error and the
 * certificates in use stay (an editor saving the certificate before the key is retried once the key changes too).
 */
public final class ServerTls implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ServerTls.class.getName());
    static final Duration POLL = Duration.ofSeconds(2);

    private final ServerTlsConfig config;
    private final Path home;
    private final SniKeyManager keys;
    private final Tls tls;
    private final Thread watcher;
    private final ScheduledThreadPoolExecutor timer;
    private volatile boolean closed;

    private ServerTls(ServerTlsConfig config, Path home, SniKeyManager keys, Tls tls,
                      ScheduledThreadPoolExecutor timer) {
        this.config = config;
        this.home = home;
        this.keys = keys;
        this.tls = tls;
        this.timer = timer;
        this.watcher = Thread.ofPlatform().daemon().name("gatehouse-tls-watch").unstarted(this::watch);
    }

    /**
     * Reads the certificates and starts watching their files.
     *
     * @param home      paths are relative to it
     * @param handshake the longest a client may take to complete its handshake ({@link HandshakeDeadline})
     * @throws IllegalArgumentException when a file cannot be read or a key does not match (the config check
     *                                  reports these with their paths first: {@link TlsChecks})
     */
    public static ServerTls start(ServerTlsConfig config, Path home, Duration handshake) {
        List<KeyMaterial> certificates = load(config, home);
        SniKeyManager keys = new SniKeyManager(certificates);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            TrustManager[] trust = config.clientAuth() == ServerTlsConfig.ClientAuth.NONE ? null
                    : TrustStores.of(KeyMaterial.certificates(home.resolve(config.clientCa()))).getTrustManagers();
            context.init(new KeyManager[] {keys}, trust, null);
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon()
                    .name("gatehouse-tls-handshake-deadline").factory());
            timer.setRemoveOnCancelPolicy(true);
            Tls tls = Tls.builder()
                    .sslContext(HandshakeDeadline.wrap(context, handshake, timer))
                    .enabledProtocols(config.protocols())
                    .enabledCipherSuites(config.cipherSuites())
                    // Helidon's default (HTTPS) is for clients; on a server the JDK refuses every client certificate
                    .endpointIdentificationAlgorithm(Tls.ENDPOINT_IDENTIFICATION_NONE)
                    .clientAuth(switch (config.clientAuth()) {
                        case NONE -> TlsClientAuth.NONE;
                        case OPTIONAL -> TlsClientAuth.OPTIONAL;
                        case REQUIRED -> TlsClientAuth.REQUIRED;
                    })
                    .build();
            ServerTls server = new ServerTls(config, home, keys, tls, timer);
            server.watcher.start();
            LOG.log(Level.INFO, "TLS on the listener: {0}; protocols {1}; client certificates {2}",
                    describe(certificates), config.protocols(), config.clientAuth().name().toLowerCase());
            return server;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** @return the listener's TLS, for Helidon */
    public Tls tls() {
        return tls;
    }

    /** Reads every certificate of the config; throws with the config path of the first that fails. */
    static List<KeyMaterial> load(ServerTlsConfig config, Path home) {
        List<KeyMaterial> loaded = new ArrayList<>();
        List<ServerTlsConfig.Certificate> certificates = config.certificates();
        for (int i = 0; i < certificates.size(); i++) {
            ServerTlsConfig.Certificate c = certificates.get(i);
            try {
                loaded.add(c.pkcs12() != null ? KeyMaterial.pkcs12(home.resolve(c.pkcs12()), c.password())
                        : KeyMaterial.pem(home.resolve(c.cert()), home.resolve(c.key())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("server.tls.certificates[" + i + "]: " + e.getMessage(), e);
            }
        }
        return loaded;
    }

    private void watch() {
        List<Stamp> seen = stamps();
        while (!closed) {
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                return;
            }
            List<Stamp> now = stamps();
            if (now.equals(seen)) {
                continue;
            }
            seen = now;
            try {
                List<KeyMaterial> loaded = load(config, home);
                keys.use(loaded);
                LOG.log(Level.INFO, "certificate files changed: now serving {0}", describe(loaded));
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "certificate files changed but cannot be used, still serving the previous "
                        + "certificates: {0}", e.getMessage());
            }
        }
    }

    private List<Stamp> stamps() {
        List<Stamp> stamps = new ArrayList<>();
        for (ServerTlsConfig.Certificate c : config.certificates()) {
            for (String file : new String[] {c.cert(), c.key(), c.pkcs12()}) {
                if (file != null) {
                    stamps.add(Stamp.of(home.resolve(file)));
                }
            }
        }
        return stamps;
    }

    private static String describe(List<KeyMaterial> loaded) {
        return loaded.stream().map(m -> SniKeyManager.dnsNames(m.chain()[0]) + " serial "
                + m.chain()[0].getSerialNumber().toString(16) + " until " + m.chain()[0].getNotAfter().toInstant())
                .collect(Collectors.joining(", "));
    }

    @Override
    public void close() {
        closed = true;
        watcher.interrupt();
        timer.shutdownNow();
    }

    /** What the poll compares: a file replaced by a rename or rewritten in place changes one of these. */
    private record Stamp(Path file, long modified, long size, Object key) {
        static Stamp of(Path file) {
            try {
                var attributes = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
                return new Stamp(file, attributes.lastModifiedTime().toMillis(), attributes.size(),
                        Objects.requireNonNullElse(attributes.fileKey(), ""));
            } catch (IOException e) {
                return new Stamp(file, -1, -1, "");
            }
        }
    }
}
