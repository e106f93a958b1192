package io.gatehouse.bench.loadgen;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One keep-alive connection and the thread that drives it on its own fixed schedule: with {@code n} connections
 * at {@code rate} requests per second, connection {@code i} sends its request {@code k} at the intended time
 * {@code start + (k * n + i) / rate}. It sleeps until that time; when the previous response came back later than
 * that, it sends at once. Either way the latency it records runs from the intended time, not from when the request
 * actually left, to the last byte of the response: a server that stalls is charged for every request that should
 * have gone out during the stall (no coordinated omission). The service time (actual send to last byte) is kept
 * too, for comparison.
 *
 * <p>The warm-up and the measured window each start their own schedule (a warm-up the server could not keep up
 * with leaves no backlog behind), and each stops sending when its end comes, even if the connection is behind
 * then: what it had not sent by the end of the measured window is counted as {@link #unsent}.
 *
 * <p>Reads block without a socket timeout (a timed read costs a {@code poll} call more per response): the main
 * thread calls {@link #expire} now and then, which closes a connection that has waited too long.
 *
 * <p>The counters and histograms cover the measured window only and are read after the thread ended.
 */
final class Connection implements Runnable {

    private static final VarHandle WAITING_SINCE;

    static {
        try {
            WAITING_SINCE = MethodHandles.lookup().findVarHandle(Connection.class, "waitingSince", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** After a failed connect the connection waits this long: a refused port must not become a busy loop. */
    private static final long CONNECT_ERROR_PAUSE_NANOS = 1_000_000;

    private final int index;
    private final Options options;
    private final byte[] request;
    private final boolean head;
    private final InetSocketAddress address;
    private final AtomicReference<String> firstError;
    private final ResponseReader reader = new ResponseReader(16 * 1024);
    /** Nanoseconds between two consecutive intended sends, over all connections. */
    private final double interval;
    /** µs between two intended sends of this connection. */
    private final long connectionIntervalMicros;

    private long warmupStart;
    private long measureStart;
    private long measureEnd;

    private volatile Socket socket;
    private OutputStream out;
    private long servedOnSocket;
    /** When the request in flight was written (odd: never 0), 0 when none is; opaque access, for {@link #expire}. */
    @SuppressWarnings("unused")
    private long waitingSince;
    /** Set by {@link #expire} before it closes the socket. */
    private volatile boolean timedOut;

    /** Latency in µs from the intended send time to the last byte of a 2xx response. */
    final Histogram latency = new Histogram(3);
    /** Service time in µs, from the moment the request was written to the last byte of a 2xx response. */
    final Histogram service = new Histogram(3);
    /**
     * How late in µs the thread woke up for a send it had to wait for: the client's own scheduling delay, the floor
     * under {@link #latency} on a busy machine. A wake-up later than this connection's interval also delays the sends
     * scheduled after it; HdrHistogram adds those as {@link #latency} would see them (each an interval less late).
     */
    final Histogram wakeLateness = new Histogram(3);
    /** Time in µs to open a connection in the measured window. */
    final Histogram connectTime = new Histogram(3);
    /** Intended sends in the measured window, whether made or not. */
    long expected;
    /** Requests sent in the measured window. */
    long sent;
    /** Complete responses, of any status, to requests of the measured window. */
    long responses;
    /** Responses that were not 2xx. */
    long non2xx;
    /** Connection failures, resets, timeouts and unparseable responses. */
    long ioErrors;
    /** Connections opened in the measured window (after the server closed one, or after an error). */
    long connects;

    Connection(int index, Options options, byte[] request, InetSocketAddress address,
               AtomicReference<String> firstError) {
        this.index = index;
        this.options = options;
        this.request = request;
        this.head = options.method.equals("HEAD");
        this.address = address;
        this.firstError = firstError;
        this.interval = 1e9 / options.rate;
        this.connectionIntervalMicros = Math.max(1, Math.round(interval * options.connections / 1000));
    }

    /** The schedule: warm-up from {@code warmupStart}, measured from {@code measureStart} to {@code measureEnd}. */
    void schedule(long warmupStart, long measureStart, long measureEnd) {
        this.warmupStart = warmupStart;
        this.measureStart = measureStart;
        this.measureEnd = measureEnd;
    }

    /** One request before the run, outside the counts, within the timeout; returns its status. */
    int probe() throws IOException {
        if (socket == null) {
            connect();
        }
        socket.setSoTimeout(timeoutMillis());
        out.write(request);
        int status = reader.read(head);
        socket.setSoTimeout(0); // from now on expire() watches the reads
        servedOnSocket++;
        if (reader.close()) {
            close();
        }
        return status;
    }

    /** Opens the connection now, so that the first scheduled request does not pay for it. */
    void open() throws IOException {
        if (socket == null) {
            connect();
        }
    }

    /** Sends and receives for the warm-up, then for the measured window; closes the connection. */
    @Override
    public void run() {
        if (!Thread.currentThread().isVirtual()) {
            TimerSlack.set(options.timerSlackNanos);
        }
        try {
            phase(warmupStart, measureStart, false);
            phase(measureStart, measureEnd, true);
        } finally {
            close();
        }
    }

    private void phase(long start, long end, boolean measured) {
        long k = 0;
        while (true) {
            long intended = start + (long) ((k * options.connections + index) * interval);
            if (intended - end >= 0) {
                break;
            }
            if (System.nanoTime() - end >= 0) {
                // behind schedule when the window closed: these were never sent
                break;
            }
            k++;
            long late = waitUntil(intended);
            if (measured && late >= 0) {
                // the sends after a late wake-up are late too: count them as the latencies do
                wakeLateness.recordValueWithExpectedInterval(late / 1000, connectionIntervalMicros);
            }
            exchange(intended, measured);
        }
        if (measured) {
            sent = k;
            while (start + (long) ((k * options.connections + index) * interval) - end < 0) {
                k++;
            }
            expected = k;
        }
    }

    /**
     * Sleeps (and spins, with {@code --spin}) until the intended time; returns how late it woke up in ns, or -1 when
     * it was behind schedule and did not wait at all.
     */
    private long waitUntil(long intended) {
        long spin = options.spinNanos;
        long now = System.nanoTime();
        if (intended - now <= 0) {
            return -1;
        }
        while (intended - now > spin) {
            LockSupport.parkNanos(intended - now - spin);
            now = System.nanoTime();
        }
        while (intended - now > 0) {
            Thread.onSpinWait();
            now = System.nanoTime();
        }
        return now - intended;
    }

    private void exchange(long intended, boolean measured) {
        long sentAt = 0;
        try {
            if (socket == null) {
                connect(measured);
            }
            sentAt = System.nanoTime();
            WAITING_SINCE.setOpaque(this, sentAt | 1);
            int status;
            try {
                out.write(request);
                status = reader.read(head);
            } catch (IOException e) {
                if (servedOnSocket == 0 || reader.started() || timedOut) {
                    throw e;
                }
                // Nothing came back on a connection that had served before: the server closed it while it was
                // idle (as keep-alive allows). Once more on a new connection, as HTTP clients do.
                close();
                connect(measured);
                out.write(request);
                status = reader.read(head);
            }
            long done = System.nanoTime();
            WAITING_SINCE.setOpaque(this, 0L);
            servedOnSocket++;
            if (measured) {
                responses++;
                if (status >= 200 && status < 300) {
                    latency.recordValue((done - intended) / 1000);
                    service.recordValue((done - sentAt) / 1000);
                } else {
                    non2xx++;
                    firstError.compareAndSet(null, "status " + status);
                }
            }
            if (reader.close()) {
                close();
            }
        } catch (IOException e) {
            WAITING_SINCE.setOpaque(this, 0L);
            if (measured) {
                ioErrors++;
            }
            if (timedOut) {
                timedOut = false;
                e = new SocketTimeoutException("no complete response within " + options.timeoutNanos / 1_000_000 + " ms");
            }
            firstError.compareAndSet(null, e.toString());
            close();
            if (sentAt == 0) {
                LockSupport.parkNanos(CONNECT_ERROR_PAUSE_NANOS);
            }
        }
    }

    private void connect(boolean measured) throws IOException {
        long start = System.nanoTime();
        connect();
        if (measured) {
            connects++;
            connectTime.recordValue((System.nanoTime() - start) / 1000);
        }
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(address, timeoutMillis());
            out = s.getOutputStream();
            reader.reset(s.getInputStream());
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        servedOnSocket = 0;
    }

    private int timeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, options.timeoutNanos / 1_000_000);
    }

    /**
     * Called by another thread: if this connection has been waiting for a response for longer than the timeout,
     * closes it, which ends the blocked read with an error that the connection thread counts as a timeout.
     */
    void expire(long now) {
        long since = (long) WAITING_SINCE.getOpaque(this);
        Socket s = socket;
        if (since != 0 && now - since > options.timeoutNanos && s != null
                && (long) WAITING_SINCE.getOpaque(this) == since) {
            timedOut = true;
            try {
                s.close();
            } catch (IOException e) {
                // closing: nothing to do about it
            }
        }
    }

    private void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing: nothing to do about it
            }
            socket = null;
            out = null;
        }
    }
}
