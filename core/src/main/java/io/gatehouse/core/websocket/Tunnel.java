package io.gatehouse.core.websocket;

import io.gatehouse.core.config.WebSocketConfig;
import io.gatehouse.core.generation.Generation;
import io.gatehouse.core.upstream.UpstreamConnection;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One proxied WebSocket connection after the upstream's {@code 101}: a byte tunnel that reads every frame header in
 * both directions and forwards each frame as it came (masks included), its payload streamed in pieces, never held
 * whole. The frame checks ({@link FrameRules}) bound what either side may send; a refused frame closes both sides
 * with the code of the refusal. Close frames pass through with their code and reason; after one, the tunnel waits
 * briefly for the other side's, then ends both connections.
 *
 * <p>Each direction has its own thread (the client's connection thread reads the client, a virtual thread the
 * upstream) and each side's output a lock held for a whole frame, so frames the gateway makes (close frames) never
 * land inside a forwarded one, and none follows a close frame sent to that side.
 */
public final class Tunnel {

    private static final long CLOSE_GRACE_NANOS = Duration.ofSeconds(2).toNanos();
    private static final byte[] EMPTY = new byte[0];

    /**
     * How a tunnel went.
     *
     * @param bytesToClient the bytes sent to the client after the {@code 101}
     * @param upstreamFault what broke the upstream's side, when it broke off without a close frame
     */
    public record Result(long bytesToClient, Throwable upstreamFault) {
    }

    private final String routeId;
    private final String requestId;
    private final WebSocketConfig config;
    private final Generation generation;
    private final ClientSide client;
    private final UpstreamConnection upstream;
    private final AutoCloseable upstreamEnd;
    private final boolean deflate;
    private final ReentrantLock clientOut = new ReentrantLock();
    private final ReentrantLock upstreamOut = new ReentrantLock();
    private final AtomicBoolean closeSentToClient = new AtomicBoolean();
    private final AtomicBoolean closeSentToUpstream = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicLong closingSince = new AtomicLong();
    private final LongAdder bytesToClient = new LongAdder();
    /** Set before the gateway's own close frames go out: from then on the peers' close frames are answers to them. */
    private volatile boolean gatewayCloses;
    private volatile boolean closeWrittenToClient;
    private volatile boolean closeWrittenToUpstream;
    private volatile boolean closeFromClient;
    private volatile boolean closeFromUpstream;
    private volatile long lastFrame = System.nanoTime();
    private volatile long drainDeadline;
    private volatile boolean draining;
    private volatile Throwable upstreamFault;
    private Tunnels tunnels;

    Tunnel(String routeId, String requestId, WebSocketConfig config, Generation generation, ClientSide client,
           UpstreamConnection upstream, AutoCloseable upstreamEnd, boolean deflate) {
        this.routeId = routeId;
        this.requestId = requestId;
        this.config = config;
        this.generation = generation;
        this.client = client;
        this.upstream = upstream;
        this.upstreamEnd = upstreamEnd;
        this.deflate = deflate;
    }

    String routeId() {
        return routeId;
    }

    Generation generation() {
        return generation;
    }

    /** Sends the client its {@code 101}, then tunnels until both sides are done; returns when the tunnel ended. */
    Result run(byte[] head, Tunnels registry) {
        this.tunnels = registry;
        registry.opened(this);
        try {
            client.write(BufferData.create(head));
        } catch (RuntimeException e) {
            end();
            return new Result(0, null);
        }
        Thread fromUpstream = Thread.ofVirtual().name("websocket-" + requestId).start(() -> pump(false));
        pump(true);
        while (fromUpstream.isAlive()) {
            try {
                fromUpstream.join();
            } catch (InterruptedException e) {
                end(); // the listener is stopping: so does the tunnel
            }
        }
        end();
        return new Result(bytesToClient.sum(), upstreamFault);
    }

    /** Reads frames from one side and forwards them to the other until a close frame, a refusal or a failure. */
    private void pump(boolean fromClient) {
        DataReader reader = fromClient ? client.reader() : upstream.reader();
        FrameRules rules = new FrameRules(fromClient, deflate, config.maxMessageSize().bytes());
        try {
            while (!ended.get()) {
                FrameHeader frame = FrameHeader.read(reader);
                lastFrame = System.nanoTime();
                FrameRules.Violation violation = rules.check(frame);
                if (violation != null) {
                    closeFrom(fromClient); // the offender's close is not waited for: it is not read any more
                    closeBoth(violation.code(), violation.reason());
                    return;
                }
                if (frame.opcode() == FrameHeader.CLOSE) {
                    byte[] payload = controlPayload(reader, frame);
                    String problem = CloseFrame.problem(frame.unmask(payload));
                    closeFrom(fromClient);
                    if (problem != null) {
                        closeBoth(CloseFrame.PROTOCOL_ERROR, problem);
                    } else {
                        forward(!fromClient, frame, reader, payload, true);
                    }
                    closingSince.compareAndSet(0, System.nanoTime());
                    endWhenClosed();
                    return;
                }
                forward(!fromClient, frame, reader, frame.control() ? controlPayload(reader, frame) : null, false);
            }
        } catch (SideGone gone) {
            gone(gone.client, gone.getCause());
        } catch (RuntimeException e) {
            gone(fromClient, e);
        }
    }

    /** The payload of a control frame (at most 125 bytes); an empty one is not waited for. */
    private static byte[] controlPayload(DataReader reader, FrameHeader frame) {
        return frame.length() == 0 ? EMPTY : reader.readBytes((int) frame.length());
    }

    private void closeFrom(boolean fromClient) {
        if (fromClient) {
            closeFromClient = true;
        } else {
            closeFromUpstream = true;
        }
    }

    /**
     * Forwards one frame: its header as received, then its payload ({@code payload} when already read, else streamed
     * from {@code reader}). Dropped (its payload still read) once a close frame went to that side.
     */
    private void forward(boolean toClient, FrameHeader frame, DataReader reader, byte[] payload, boolean close) {
        ReentrantLock lock = toClient ? clientOut : upstreamOut;
        AtomicBoolean closeSent = toClient ? closeSentToClient : closeSentToUpstream;
        lock.lock();
        try {
            boolean drop = close ? gatewayCloses || closeSent.getAndSet(true) : closeSent.get();
            if (payload != null) {
                if (!drop) {
                    byte[] whole = new byte[frame.raw().length + payload.length];
                    System.arraycopy(frame.raw(), 0, whole, 0, frame.raw().length);
                    System.arraycopy(payload, 0, whole, frame.raw().length, payload.length);
                    write(toClient, BufferData.create(whole));
                    if (close) {
                        closeWritten(toClient);
                    }
                }
                return;
            }
            long left = frame.length();
            if (!drop) {
                // the header goes out with the payload's first piece: two small writes would meet Nagle's
                // algorithm and the peer's delayed ACK, and cost a small message tens of milliseconds
                byte[] first = new byte[0];
                if (left > 0) {
                    reader.ensureAvailable();
                    first = reader.readBytes((int) Math.min(left, reader.available()));
                    left -= first.length;
                }
                byte[] head = new byte[frame.raw().length + first.length];
                System.arraycopy(frame.raw(), 0, head, 0, frame.raw().length);
                System.arraycopy(first, 0, head, frame.raw().length, first.length);
                write(toClient, BufferData.create(head));
            }
            while (left > 0) {
                reader.ensureAvailable();
                int n = (int) Math.min(left, reader.available());
                BufferData chunk = reader.readBuffer(n);
                if (!drop) {
                    write(toClient, chunk);
                }
                left -= n;
                lastFrame = System.nanoTime();
            }
        } finally {
            lock.unlock();
        }
    }

    private void write(boolean toClient, BufferData data) {
        int n = data.available();
        try {
            if (toClient) {
                client.write(data);
                bytesToClient.add(n);
            } else {
                upstream.writer().writeNow(data);
            }
        } catch (RuntimeException e) {
            throw new SideGone(toClient, e);
        }
    }

    /**
     * Sends a close frame the gateway made to both sides (those not sent one yet), then waits for their answers
     * ({@link #tick}). Blocks while a frame is being forwarded to a side: call it from a tunnel's own thread, or
     * through {@link #closeBothLater}.
     */
    void closeBoth(int code, String reason) {
        closingSince.compareAndSet(0, System.nanoTime());
        gatewayCloses = true;
        sendClose(false, code, reason);
        sendClose(true, code, reason);
        endWhenClosed();
    }

    private void closeWritten(boolean toClient) {
        if (toClient) {
            closeWrittenToClient = true;
        } else {
            closeWrittenToUpstream = true;
        }
    }

    /** Ends the tunnel once both sides were sent a close frame and both sent theirs: the close handshake is over. */
    private void endWhenClosed() {
        if (closeFromClient && closeFromUpstream && closeWrittenToClient && closeWrittenToUpstream) {
            end();
        }
    }

    /** {@link #closeBoth} on a thread of its own, for callers that must not wait for a frame in flight. */
    void closeBothLater(int code, String reason) {
        if (closingSince.compareAndSet(0, System.nanoTime())) {
            Thread.ofVirtual().name("websocket-close-" + requestId).start(() -> closeBoth(code, reason));
        }
    }

    private void sendClose(boolean toClient, int code, String reason) {
        ReentrantLock lock = toClient ? clientOut : upstreamOut;
        AtomicBoolean sent = toClient ? closeSentToClient : closeSentToUpstream;
        lock.lock();
        try {
            if (!ended.get() && !sent.getAndSet(true)) {
                write(toClient, BufferData.create(CloseFrame.of(code, reason, !toClient)));
                closeWritten(toClient);
            }
        } catch (SideGone e) {
            end();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A side broke off (its connection closed or failed) without a close handshake: the other side gets a close
     * frame saying so — 1011 to a client whose upstream went away, 1001 to an upstream whose client did — and both
     * connections end.
     */
    private void gone(boolean client, Throwable cause) {
        if (ended.get()) {
            return;
        }
        closeFrom(client);
        if (!client && !closeSentToUpstream.get()) {
            upstreamFault = cause;
        }
        if (client) {
            sendClose(false, CloseFrame.GOING_AWAY, "client went away");
        } else {
            sendClose(true, CloseFrame.INTERNAL_ERROR, "upstream connection lost");
        }
        end();
    }

    /** Enforces the timers: close grace, drain limit and idle timeout. Called often, by one thread; never blocks. */
    void tick(long now) {
        if (ended.get()) {
            return;
        }
        long closing = closingSince.get();
        if (closing != 0) {
            if (now - closing > CLOSE_GRACE_NANOS) {
                end();
            }
            return;
        }
        if (draining && now - drainDeadline >= 0) {
            closeBothLater(CloseFrame.GOING_AWAY, "the gateway's config changed; reconnect");
        } else if (now - lastFrame > config.idleTimeout().toNanos()) {
            closeBothLater(CloseFrame.GOING_AWAY, "idle timeout");
        }
    }

    /** The tunnel's generation was replaced: it may run for the route's drain timeout from {@code now}. */
    void drainFrom(long now) {
        if (!draining) {
            drainDeadline = now + config.drainTimeout().toNanos();
            draining = true;
        }
    }

    /** Ends both connections (once): the client's closes, the upstream's is closed and never pooled. */
    void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        client.close();
        Handshake.closeQuietly(upstreamEnd);
        upstream.close();
        if (tunnels != null) {
            tunnels.ended(this);
        }
    }

    /** A write to one side failed: that side is gone. */
    private static final class SideGone extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean client;

        SideGone(boolean client, RuntimeException cause) {
            super(cause.getMessage(), cause, false, false);
            this.client = client;
        }
    }
}
