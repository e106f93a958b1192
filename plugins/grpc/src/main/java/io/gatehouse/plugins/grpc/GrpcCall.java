package io.gatehouse.plugins.grpc;

import com.google.protobuf.DynamicMessage;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One client call, driven by blocking methods from a request's (virtual) thread: what the call's listener hears on
 * the network thread is queued as {@link Event}s, never waited for there. Inbound flow control is the caller's:
 * {@link #request(int)} asks for more messages.
 */
final class GrpcCall {

    /** What the server sent, in order. */
    sealed interface Event permits Headers, Message, Closed {
    }

    record Headers(Metadata metadata) implements Event {
    }

    record Message(DynamicMessage message) implements Event {
    }

    record Closed(Status status, Metadata trailers) implements Event {
    }

    private final ClientCall<DynamicMessage, DynamicMessage> call;
    private final boolean oneMessage;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private volatile boolean closed;

    private GrpcCall(ClientCall<DynamicMessage, DynamicMessage> call, boolean oneMessage) {
        this.call = call;
        this.oneMessage = oneMessage;
    }

    /** Starts the call and asks for its first message. */
    static GrpcCall start(Channel channel, MethodDescriptor<DynamicMessage, DynamicMessage> method,
                          CallOptions options, Metadata headers) {
        GrpcCall grpc = new GrpcCall(channel.newCall(method, options), method.getType().clientSendsOneMessage());
        grpc.call.start(grpc.new Listener(), headers);
        grpc.call.request(1);
        return grpc;
    }

    /**
     * Sends a message once the call can take it without buffering more (outbound flow control, for a client stream:
     * grpc-java opens the stream of a one-message call only with its message, so that one is sent at once); sends
     * nothing when the call has ended.
     */
    void send(DynamicMessage message) throws InterruptedException {
        if (oneMessage) {
            call.sendMessage(message);
            return;
        }
        lock.lock();
        try {
            while (!call.isReady() && !closed) {
                ready.await(100, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
        if (!closed) {
            call.sendMessage(message);
        }
    }

    void halfClose() {
        if (!closed) {
            call.halfClose();
        }
    }

    void request(int messages) {
        call.request(messages);
    }

    /** @return the next event, waiting for it (the call's deadline bounds the wait) */
    Event next() throws InterruptedException {
        return events.take();
    }

    boolean closed() {
        return closed;
    }

    void cancel(String why, Throwable cause) {
        call.cancel(why, cause);
    }

    private final class Listener extends ClientCall.Listener<DynamicMessage> {
        @Override
        public void onHeaders(Metadata headers) {
            events.add(new Headers(headers));
        }

        @Override
        public void onMessage(DynamicMessage message) {
            events.add(new Message(message));
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            closed = true;
            events.add(new Closed(status, trailers));
            onReady();
        }

        @Override
        public void onReady() {
            lock.lock();
            try {
                ready.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
