package io.gatehouse.plugins.grpc;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One client's call proxied to the upstream: the request pump (a virtual thread that reads the client's frames and
 * sends them, as fast as the upstream's flow control lets it) and the events of the upstream's answer, queued by the
 * listener on the network thread and taken by whoever reads the response body.
 *
 * <p>The upstream gets one message more only once the reader took the last one ({@code request(1)}): a slow client
 * slows the upstream down instead of filling the gateway's memory.
 */
final class ProxiedCall extends ClientCall.Listener<byte[]> {

    private static final System.Logger LOG = System.getLogger(ProxiedCall.class.getName());

    /** What the upstream did, in order. */
    sealed interface Event permits Headers, Message, Closed {
    }

    record Headers(Metadata metadata) implements Event {
    }

    record Message(byte[] bytes) implements Event {
    }

    /** The end of the call: its status, where the status comes from, and the trailing metadata. */
    record Closed(Status status, Metadata trailers, Source source) implements Event {
    }

    /** Who decided how the call ended. */
    enum Source {
        /** The upstream's own status. */
        UPSTREAM,
        /** grpc-java's, for a failure it saw (connection refused or broken, the deadline): its text is internal. */
        GRPC_JAVA,
        /** The gateway's, for a client's request that broke the framing. */
        GATEWAY
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    /** ClientCall is not thread-safe: the pump, the reader and a closing client take turns. */
    private final ReentrantLock lock = new ReentrantLock();
    private final int maxMessageSize;
    private ClientCall<byte[], byte[]> call;
    private volatile Thread pump;
    private volatile boolean over;
    /** Why the gateway ended the call for the client's fault (a bad frame): what the client gets instead. */
    private volatile Status refusal;

    ProxiedCall(int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    /** Starts the call and the pump reading the client's frames from {@code requestBody}. */
    void start(ClientCall<byte[], byte[]> call, Metadata metadata, InputStream requestBody, String encoding) {
        this.call = call;
        lock.lock();
        try {
            call.start(this, metadata);
            call.request(1);
        } finally {
            lock.unlock();
        }
        pump = Thread.ofVirtual().name("grpc-request-pump").start(() -> pump(requestBody, encoding));
    }

    /**
     * @return the next event of the upstream's answer, waiting for it (the call's deadline bounds the wait)
     * @throws InterruptedIOException when the reading thread is interrupted: the call is cancelled
     */
    Event next() throws InterruptedIOException {
        try {
            return events.take();
        } catch (InterruptedException e) {
            cancel("the gateway stopped waiting for the upstream");
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the upstream");
        }
    }

    /** Asks the upstream for the next message, once the last one was taken. */
    void requestNext() {
        lock.lock();
        try {
            if (!over) {
                call.request(1);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Cancels the call unless it is over (the upstream sees CANCELLED). */
    void cancel(String why) {
        lock.lock();
        try {
            if (!over) {
                call.cancel(why, null);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The exchange is over: the call is cancelled unless it ended, and a pump still waiting for the client's next
     * frame is interrupted (Helidon does not wake the reader of a stream its client reset, so nothing else would).
     */
    void exchangeEnded() {
        cancel("the exchange ended before the call");
        Thread reading = pump;
        if (reading != null && reading.isAlive()) {
            reading.interrupt();
        }
    }

    /** Not closing the client's body: what is left of it, and whether it ended, is the core's to handle. */
    private void pump(InputStream in, String encoding) {
        try {
            while (true) {
                GrpcFrames.Frame frame = GrpcFrames.read(in, maxMessageSize);
                if (over) {
                    return;
                }
                if (frame == null) {
                    withCall(() -> call.halfClose());
                    return;
                }
                byte[] message = GrpcFrames.message(frame, encoding, maxMessageSize);
                if (!awaitReady()) {
                    return;
                }
                withCall(() -> call.sendMessage(message));
            }
        } catch (GrpcProtocolException e) {
            refusal = e.status();
            cancel("the client's request broke the gRPC framing");
        } catch (IOException | RuntimeException e) {
            // the client reset the stream, went away or stalled: its call ends here, and upstream too
            LOG.log(System.Logger.Level.DEBUG, "grpc: the client's request stream failed: {0}", e.toString());
            cancel("the client's request stream failed");
        }
    }

    private void withCall(Runnable action) {
        lock.lock();
        try {
            if (!over) {
                action.run();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the upstream takes another message; @return false when the call ended meanwhile */
    private boolean awaitReady() {
        while (!over) {
            lock.lock();
            try {
                if (over || call.isReady()) {
                    return !over;
                }
            } finally {
                lock.unlock();
            }
            // onReady unparks; the timeout only guards against a lost wake-up
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
        }
        return false;
    }

    // The listener: on the network thread, never blocking.

    @Override
    public void onHeaders(Metadata headers) {
        events.add(new Headers(headers));
    }

    @Override
    public void onMessage(byte[] message) {
        events.add(new Message(message));
    }

    @Override
    public void onReady() {
        Thread waiting = pump;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
        over = true;
        onReady();
        Status refused = refusal;
        events.add(refused != null ? new Closed(refused, new Metadata(), Source.GATEWAY)
                : new Closed(status, trailers, status.getCause() == null ? Source.UPSTREAM : Source.GRPC_JAVA));
    }
}
