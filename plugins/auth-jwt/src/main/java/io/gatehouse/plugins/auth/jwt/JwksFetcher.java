package io.gatehouse.plugins.auth.jwt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a JWKS document over HTTP: one GET, bounded in time (connecting, answering and sending the body together)
 * and in size; no redirects followed. Failures are described in our own words, for the log.
 */
final class JwksFetcher implements AutoCloseable {

    /** A JWKS larger than this is refused. */
    static final int MAX_BYTES = 1024 * 1024;

    /** A fetch that did not give a document, with what went wrong, fit for a log line. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private final HttpClient client;
    private final HttpRequest request;
    private final Duration timeout;

    JwksFetcher(URI uri, Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
    }

    /** @return the document's bytes */
    byte[] fetch() throws Failure, InterruptedException {
        CompletableFuture<HttpResponse<byte[]>> call = client.sendAsync(request, info -> info.statusCode() == 200
                ? new CappedBody()
                : HttpResponse.BodySubscribers.replacing(null));
        try {
            HttpResponse<byte[]> response = call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (response.statusCode() != 200) {
                throw new Failure("it answered HTTP " + response.statusCode());
            }
            if (response.body() == null) {
                throw new Failure("it sent more than " + MAX_BYTES / 1024 + " KiB");
            }
            return response.body();
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new Failure("it did not answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new Failure(describe(e.getCause()));
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        }
    }

    private String describe(Throwable cause) {
        if (cause instanceof HttpTimeoutException) {
            return "it did not answer within " + timeout.toMillis() + " ms";
        }
        if (cause instanceof ConnectException) {
            return "could not connect";
        }
        if (cause instanceof IOException) {
            return "the connection failed (" + cause.getClass().getSimpleName() + ")";
        }
        return "the request failed (" + cause.getClass().getSimpleName() + ")";
    }

    @Override
    public void close() {
        client.shutdownNow();
    }

    /** Collects a body up to {@link #MAX_BYTES}; beyond that it cancels and gives {@code null}. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (out.size() + buffer.remaining() > MAX_BYTES) {
                    subscription.cancel();
                    result.complete(null);
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                out.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }
    }
}
