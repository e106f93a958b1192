package io.gatehouse.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An upstream whose responses the test writes piece by piece: every request is answered with a chunked head at
 * once ({@code text/event-stream}, or {@code application/octet-stream} for a path under {@code /download}), and then
 * holds its {@link Feed} until the test sends a chunk, ends the body, or the gateway closes the connection. A test
 * can so make the upstream send its next event only after the client saw the previous one.
 */
public final class EventStreamUpstream implements AutoCloseable {

    private static final long WAIT_SECONDS = 10;
    private final BlockingQueue<Feed> feeds = new LinkedBlockingQueue<>();
    private final RawUpstream raw;

    private EventStreamUpstream() throws IOException {
        raw = RawUpstream.start(request -> {
            String type = request.requestLine().contains(" /download") ? "application/octet-stream"
                    : "text/event-stream";
            Feed feed = new Feed(request);
            byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nCache-Control: no-cache\r\n"
                    + "Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            return new RawUpstream.Reply(head, false, (socket, in, out) -> {
                feeds.add(feed);
                feed.serve(socket, in, out);
            });
        });
    }

    public static EventStreamUpstream start() throws IOException {
        return new EventStreamUpstream();
    }

    public String url() {
        return raw.url();
    }

    /** The next request's feed, in the order the requests arrived; fails after 10 seconds without one. */
    public Feed next() throws InterruptedException {
        Feed feed = feeds.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (feed == null) {
            throw new AssertionError("no request reached the upstream within " + WAIT_SECONDS + " s");
        }
        return feed;
    }

    @Override
    public void close() {
        raw.close();
    }

    /** One response in progress. */
    public static final class Feed {
        private static final String END = "\0end";
        private final RawUpstream.Received request;
        private final BlockingQueue<String> chunks = new LinkedBlockingQueue<>();
        private final CountDownLatch closed = new CountDownLatch(1);
        private volatile boolean ended;

        Feed(RawUpstream.Received request) {
            this.request = request;
        }

        /** The request as the upstream received it. */
        public RawUpstream.Received request() {
            return request;
        }

        /** Writes one chunk holding {@code text} (UTF-8) and flushes it. */
        public void send(String text) {
            chunks.add(text);
        }

        /** Writes the last chunk: the body ends normally. */
        public void end() {
            chunks.add(END);
        }

        /** Waits (up to 10 s) for the connection to close; @return whether it closed without the body having ended */
        public boolean closedBeforeEnd() throws InterruptedException {
            if (!closed.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("the upstream connection was still open after " + WAIT_SECONDS + " s");
            }
            return !ended;
        }

        private void serve(Socket socket, InputStream in, OutputStream out) throws IOException, InterruptedException {
            Thread.ofVirtual().start(() -> {
                try {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // reset: closed all the same
                }
                closed.countDown();
            });
            try {
                while (closed.getCount() > 0) {
                    String chunk = chunks.poll(20, TimeUnit.MILLISECONDS);
                    if (chunk == null) {
                        continue;
                    }
                    if (chunk.equals(END)) {
                        ended = true;
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        return; // Connection: close, so the gateway never sends another request here
                    }
                    byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
                    out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(bytes);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } finally {
                socket.close();
                closed.countDown();
            }
        }
    }
}
