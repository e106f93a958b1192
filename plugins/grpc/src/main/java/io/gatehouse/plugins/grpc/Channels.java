package io.gatehouse.plugins.grpc;

import io.gatehouse.api.Endpoint;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One grpc-java channel (an HTTP/2 connection, multiplexed) per endpoint of the upstream, made on first use and
 * shut down when discovery drops its endpoint or the transport closes. The transport lives as long as the upstream's
 * config is unchanged, so the channels survive reloads that keep it.
 *
 * <p>Channels run their callbacks on the network thread ({@code directExecutor}): a listener must hand work off,
 * never block.
 */
final class Channels implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Channels.class.getName());
    private static final int NETWORK_THREADS = Math.min(2, Runtime.getRuntime().availableProcessors());

    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final GrpcTransportFactory.Config config;
    private final ChannelCredentials tls;
    /**
     * The channels' network threads, this transport's own: grpc-java's shared default group would outlive the
     * plugin (and its class loader) once the gateway unloads it.
     */
    private final EventLoopGroup network = new NioEventLoopGroup(NETWORK_THREADS,
            new DefaultThreadFactory("gatehouse-grpc", true));
    private volatile boolean closed;

    Channels(GrpcTransportFactory.Config config, Path home) {
        this.config = config;
        this.tls = tls(config.caFile() == null ? null : home.resolve(config.caFile()));
    }

    private static ChannelCredentials tls(Path caFile) {
        try {
            TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
            if (caFile != null) {
                builder.trustManager(caFile.toFile());
            }
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException("ca_file " + caFile + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * @return the endpoint's channel: plaintext HTTP/2 (h2c) for {@code http://}, TLS for {@code https://}
     * @throws IllegalStateException once closed
     */
    ManagedChannel channel(Endpoint endpoint) {
        ManagedChannel channel = channels.computeIfAbsent(endpoint.id(), id -> open(endpoint));
        if (closed) {
            close();
            throw new IllegalStateException("the grpc transport is closed");
        }
        return channel;
    }

    private ManagedChannel open(Endpoint endpoint) {
        boolean secure = "https".equals(endpoint.url().getScheme());
        return NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port(),
                        secure ? tls : InsecureChannelCredentials.create())
                .eventLoopGroup(network)
                .channelType(NioSocketChannel.class)
                .directExecutor()
                .maxInboundMessageSize(config.maxMessageSize())
                .maxInboundMetadataSize(64 * 1024)
                .disableRetry()
                .build();
    }

    /** Shuts down the channels of endpoints no longer listed. */
    void retain(List<Endpoint> endpoints) {
        Set<String> ids = new HashSet<>();
        endpoints.forEach(endpoint -> ids.add(endpoint.id()));
        channels.entrySet().removeIf(entry -> {
            if (ids.contains(entry.getKey())) {
                return false;
            }
            LOG.log(System.Logger.Level.DEBUG, "grpc: closing the channel to {0}, gone from discovery", entry.getKey());
            entry.getValue().shutdown();
            return true;
        });
    }

    @Override
    public void close() {
        closed = true;
        for (ManagedChannel channel : channels.values()) {
            channel.shutdown();
        }
        for (ManagedChannel channel : channels.values()) {
            try {
                if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
                    channel.shutdownNow();
                }
            } catch (InterruptedException e) {
                channel.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        channels.clear();
        network.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
