package io.gatehouse.core.config;

import java.util.List;

/**
 * HTTP/2 on the public listener: h2c with prior knowledge on cleartext and h2 through ALPN on TLS. Defaults follow
 * Envoy's edge guidance ({@code configuration/best_practices/edge}).
 *
 * @param enabled              whether the listener speaks HTTP/2 at all; default {@code true}
 * @param maxConcurrentStreams the most streams a client may have open on one connection (SETTINGS
 *                             MAX_CONCURRENT_STREAMS); more are refused with RST_STREAM; default 100
 * @param maxHeaderListSize    the largest header list of a request, counted as RFC 9113 §6.5.2 does (name, value
 *                             and 32 bytes per field, every cookie crumb a field of its own) → 431 beyond; default
 *                             {@code server.limits.max_header_size}
 * @param initialWindowSize    the flow-control window a client may fill before the gateway reads on, per stream and
 *                             per connection: the most request body bytes buffered per connection; default
 *                             {@code 64KiB}
 * @param maxFrameSize         the largest frame payload the gateway accepts; default {@code 16KiB} (the protocol's
 *                             minimum)
 * @param maxRapidResets       the most streams a client may reset before the gateway answered them on one connection
 *                             (CVE-2023-44487, "rapid reset"); beyond it the connection gets GOAWAY
 *                             ENHANCE_YOUR_CALM and is closed; default 100
 */
public record Http2Config(Boolean enabled, Integer maxConcurrentStreams, ByteSize maxHeaderListSize,
                          ByteSize initialWindowSize, ByteSize maxFrameSize, Integer maxRapidResets) {

    private static final long MIN_FRAME_SIZE = 16_384;
    private static final long MAX_FRAME_SIZE = 16_777_215;
    private static final long MAX_WINDOW_SIZE = Integer.MAX_VALUE;

    public Http2Config {
        enabled = enabled == null || enabled;
        maxConcurrentStreams = maxConcurrentStreams == null ? 100 : maxConcurrentStreams;
        initialWindowSize = initialWindowSize == null ? ByteSize.ofKib(64) : initialWindowSize;
        maxFrameSize = maxFrameSize == null ? ByteSize.ofKib(16) : maxFrameSize;
        maxRapidResets = maxRapidResets == null ? 100 : maxRapidResets;
    }

    /** The defaults. */
    public static Http2Config defaults() {
        return new Http2Config(null, null, null, null, null, null);
    }

    /** @return the header list limit: the configured one, else the listener's header size limit */
    public long maxHeaderListSize(LimitsConfig limits) {
        return maxHeaderListSize != null ? maxHeaderListSize.bytes() : limits.maxHeaderSize().bytes();
    }

    static void validate(Http2Config http2, List<Problem> problems) {
        if (http2 == null) {
            return;
        }
        if (http2.maxConcurrentStreams() < 1) {
            problems.add(new Problem("server.http2.max_concurrent_streams", "must be at least 1, got "
                    + http2.maxConcurrentStreams()));
        }
        if (http2.maxHeaderListSize() != null && http2.maxHeaderListSize().bytes() < 1024) {
            problems.add(new Problem("server.http2.max_header_list_size", "must be at least 1KiB"));
        }
        long window = http2.initialWindowSize().bytes();
        if (window < 1 || window > MAX_WINDOW_SIZE) {
            problems.add(new Problem("server.http2.initial_window_size", "must be between 1 byte and 2^31-1 bytes "
                    + "(RFC 9113 §6.5.2), got " + window));
        }
        long frame = http2.maxFrameSize().bytes();
        if (frame < MIN_FRAME_SIZE || frame > MAX_FRAME_SIZE) {
            problems.add(new Problem("server.http2.max_frame_size", "must be between 16KiB and 16MiB-1 "
                    + "(RFC 9113 §6.5.2), got " + frame));
        }
        if (http2.maxRapidResets() < 1) {
            problems.add(new Problem("server.http2.max_rapid_resets", "must be at least 1, got "
                    + http2.maxRapidResets()));
        }
    }
}
