package io.gatehouse.core.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A deadline for the TLS handshake of every accepted connection. Helidon's listener runs the handshake before the
 * gateway sees the connection, with no timeout, while the connection holds one of the listener's connection permits:
 * clients that open connections and never finish (or never start) a handshake would hold them all. So the SSLContext
 * handed to Helidon makes server sockets whose accepted sockets are closed when their handshake has not completed
 * by the deadline ({@code server.timeouts.request_head}: the handshake is part of getting a request's head).
 */
final class HandshakeDeadline {

    private HandshakeDeadline() {
    }

    /** @return {@code context}, whose server sockets close connections that do not complete a handshake in time */
    static SSLContext wrap(SSLContext context, Duration timeout, ScheduledExecutorService timer) {
        return new SSLContext(new Spi(context, timeout.toNanos(), timer), context.getProvider(),
                context.getProtocol()) {
        };
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext context;
        private final long timeoutNanos;
        private final ScheduledExecutorService timer;

        Spi(SSLContext context, long timeoutNanos, ScheduledExecutorService timer) {
            this.context = context;
            this.timeoutNanos = timeoutNanos;
            this.timer = timer;
        }

        @Override
        protected void engineInit(javax.net.ssl.KeyManager[] km, javax.net.ssl.TrustManager[] tm, SecureRandom sr)
                throws KeyManagementException {
            throw new KeyManagementException("initialized already");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return context.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            SSLServerSocketFactory factory = context.getServerSocketFactory();
            return new SSLServerSocketFactory() {
                @Override
                public ServerSocket createServerSocket() throws IOException {
                    return new DeadlineServerSocket((SSLServerSocket) factory.createServerSocket(), timeoutNanos,
                            timer);
                }

                @Override
                public ServerSocket createServerSocket(int port) throws IOException {
                    throw new UnsupportedOperationException("create unbound, then bind");
                }

                @Override
                public ServerSocket createServerSocket(int port, int backlog) throws IOException {
                    throw new UnsupportedOperationException("create unbound, then bind");
                }

                @Override
                public ServerSocket createServerSocket(int port, int backlog, InetAddress address) {
                    throw new UnsupportedOperationException("create unbound, then bind");
                }

                @Override
                public String[] getDefaultCipherSuites() {
                    return factory.getDefaultCipherSuites();
                }

                @Override
                public String[] getSupportedCipherSuites() {
                    return factory.getSupportedCipherSuites();
                }
            };
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return context.createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return context.createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return context.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return context.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return context.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return context.getSupportedSSLParameters();
        }
    }

    /** The JDK's server socket, whose accepted sockets get a handshake deadline. */
    private static final class DeadlineServerSocket extends SSLServerSocket {
        private final SSLServerSocket socket;
        private final long timeoutNanos;
        private final ScheduledExecutorService timer;

        DeadlineServerSocket(SSLServerSocket socket, long timeoutNanos, ScheduledExecutorService timer)
                throws IOException {
            this.socket = socket;
            this.timeoutNanos = timeoutNanos;
            this.timer = timer;
        }

        @Override
        public Socket accept() throws IOException {
            SSLSocket accepted = (SSLSocket) socket.accept();
            AtomicBoolean done = new AtomicBoolean();
            ScheduledFuture<?> deadline = timer.schedule(() -> {
                if (!done.get()) {
                    // on a thread of its own: closing a TLS socket may wait for the handshake's locks
                    Thread.ofVirtual().start(() -> {
                        try {
                            accepted.close();
                        } catch (IOException ignored) {
                            // closing anyway
                        }
                    });
                }
            }, timeoutNanos, TimeUnit.NANOSECONDS);
            accepted.addHandshakeCompletedListener(event -> {
                done.set(true);
                deadline.cancel(false);
            });
            return accepted;
        }

        @Override
        public void bind(SocketAddress endpoint) throws IOException {
            socket.bind(endpoint);
        }

        @Override
        public void bind(SocketAddress endpoint, int backlog) throws IOException {
            socket.bind(endpoint, backlog);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        @Override
        public boolean isBound() {
            return socket.isBound();
        }

        @Override
        public boolean isClosed() {
            return socket.isClosed();
        }

        @Override
        public InetAddress getInetAddress() {
            return socket.getInetAddress();
        }

        @Override
        public int getLocalPort() {
            return socket.getLocalPort();
        }

        @Override
        public SocketAddress getLocalSocketAddress() {
            return socket.getLocalSocketAddress();
        }

        @Override
        public <T> ServerSocket setOption(SocketOption<T> name, T value) throws IOException {
            socket.setOption(name, value);
            return this;
        }

        @Override
        public <T> T getOption(SocketOption<T> name) throws IOException {
            return socket.getOption(name);
        }

        @Override
        public Set<SocketOption<?>> supportedOptions() {
            return socket.supportedOptions();
        }

        @Override
        public void setSoTimeout(int timeout) throws java.net.SocketException {
            socket.setSoTimeout(timeout);
        }

        @Override
        public int getSoTimeout() throws IOException {
            return socket.getSoTimeout();
        }

        @Override
        public void setReuseAddress(boolean on) throws java.net.SocketException {
            socket.setReuseAddress(on);
        }

        @Override
        public boolean getReuseAddress() throws java.net.SocketException {
            return socket.getReuseAddress();
        }

        @Override
        public void setReceiveBufferSize(int size) throws java.net.SocketException {
            socket.setReceiveBufferSize(size);
        }

        @Override
        public int getReceiveBufferSize() throws java.net.SocketException {
            return socket.getReceiveBufferSize();
        }

        @Override
        public SSLParameters getSSLParameters() {
            return socket.getSSLParameters();
        }

        @Override
        public void setSSLParameters(SSLParameters params) {
            socket.setSSLParameters(params);
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return socket.getEnabledCipherSuites();
        }

        @Override
        public void setEnabledCipherSuites(String[] suites) {
            socket.setEnabledCipherSuites(suites);
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return socket.getSupportedCipherSuites();
        }

        @Override
        public String[] getSupportedProtocols() {
            return socket.getSupportedProtocols();
        }

        @Override
        public String[] getEnabledProtocols() {
            return socket.getEnabledProtocols();
        }

        @Override
        public void setEnabledProtocols(String[] protocols) {
            socket.setEnabledProtocols(protocols);
        }

        @Override
        public void setNeedClientAuth(boolean need) {
            socket.setNeedClientAuth(need);
        }

        @Override
        public boolean getNeedClientAuth() {
            return socket.getNeedClientAuth();
        }

        @Override
        public void setWantClientAuth(boolean want) {
            socket.setWantClientAuth(want);
        }

        @Override
        public boolean getWantClientAuth() {
            return socket.getWantClientAuth();
        }

        @Override
        public void setUseClientMode(boolean mode) {
            socket.setUseClientMode(mode);
        }

        @Override
        public boolean getUseClientMode() {
            return socket.getUseClientMode();
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {
            socket.setEnableSessionCreation(flag);
        }

        @Override
        public boolean getEnableSessionCreation() {
            return socket.getEnableSessionCreation();
        }

        @Override
        public String toString() {
            return socket.toString();
        }
    }
}
