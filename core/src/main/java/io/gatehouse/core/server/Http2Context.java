package io.gatehouse.core.server;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;

import java.net.SocketAddress;
import java.security.Principal;
import java.security.cert.Certificate;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * A connection as Helidon's HTTP/2 connection gets it: the client's certificate hidden. Helidon 4.2's HTTP/2
 * connection, when the client presented one, starts every request's header list with an {@code X-HELIDON-CN}
 * field of its own, and then takes the dynamic table size update that may open a header block (RFC 7541 §4.2) for
 * one that follows a field: it answers GOAWAY COMPRESSION_ERROR. The JDK's HttpClient opens its first block with
 * such an update, so with mTLS it could not make a single HTTP/2 request (curl sends none and was served). Hidden,
 * the certificate adds no field: the header list is what the client sent, and nothing of Helidon's reaches the
 * upstream. {@link Http2Exchange} reads the certificate through {@link #certificates(PeerInfo)}. Its writer is a
 * {@link SettingsWriter}: the SETTINGS frame announces the configured stream limit, not Helidon's larger one. Its
 * reader shows the frames to {@link StreamResets}, which interrupts the streams their client reset.
 */
final class Http2Context implements ConnectionContext {

    private final ConnectionContext ctx;
    private final Peer remote;
    private final SettingsWriter writer;
    private final StreamResets resets = new StreamResets();
    private volatile DataReader reader;

    Http2Context(ConnectionContext ctx) {
        this.ctx = ctx;
        this.remote = new Peer(ctx.remotePeer());
        this.writer = new SettingsWriter(ctx.dataWriter());
    }

    /** @return the certificates the client presented on the connection of a stream's {@code remotePeer()} */
    static Optional<Certificate[]> certificates(PeerInfo remote) {
        return remote instanceof Peer peer ? peer.peer.tlsCertificates() : remote.tlsCertificates();
    }

    @Override
    public PeerInfo remotePeer() {
        return remote;
    }

    @Override
    public PeerInfo localPeer() {
        return ctx.localPeer();
    }

    @Override
    public boolean isSecure() {
        return ctx.isSecure();
    }

    @Override
    public String socketId() {
        return ctx.socketId();
    }

    @Override
    public String childSocketId() {
        return ctx.childSocketId();
    }

    @Override
    public ListenerContext listenerContext() {
        return ctx.listenerContext();
    }

    @Override
    public ExecutorService executor() {
        return ctx.executor();
    }

    @Override
    public DataWriter dataWriter() {
        // announces server.http2.max_concurrent_streams, not the larger limit Helidon enforces
        return writer;
    }

    @Override
    public DataReader dataReader() {
        DataReader watched = reader;
        if (watched == null) {
            synchronized (this) {
                if (reader == null) {
                    reader = resets.watch(ctx.dataReader());
                }
                watched = reader;
            }
        }
        return watched;
    }

    /** @return what tells this connection's streams that their client reset them */
    StreamResets resets() {
        return resets;
    }

    @Override
    public Router router() {
        return ctx.router();
    }

    @Override
    public Optional<ProxyProtocolData> proxyProtocolData() {
        // none on the gateway's listener; were it on, Helidon would add X-Forwarded-For the same broken way
        return ctx.proxyProtocolData();
    }

    @Override
    public HelidonSocket serverSocket() {
        return ctx.serverSocket();
    }

    /** The client as Helidon's HTTP/2 connection sees it: no certificate. */
    private record Peer(PeerInfo peer) implements PeerInfo {
        @Override
        public SocketAddress address() {
            return peer.address();
        }

        @Override
        public String host() {
            return peer.host();
        }

        @Override
        public int port() {
            return peer.port();
        }

        @Override
        public Optional<Principal> tlsPrincipal() {
            return peer.tlsPrincipal();
        }

        @Override
        public Optional<Certificate[]> tlsCertificates() {
            return Optional.empty();
        }
    }
}
