package io.gatehouse.core.config;

/**
 * Request size limits of the public listener.
 *
 * @param maxRequestLine the longest request line (method, target, version) → 414 beyond; default {@code 8KiB}
 * @param maxHeaderSize  the largest total header block → 431 beyond; default {@code 16KiB}
 * @param maxBodySize    the largest request body → 413 beyond (a declared Content-Length over it is refused
 *                       before reading); default {@code 10MiB}
 */
public record LimitsConfig(ByteSize maxRequestLine, ByteSize maxHeaderSize, ByteSize maxBodySize) {
    public LimitsConfig {
        maxRequestLine = maxRequestLine == null ? ByteSize.ofKib(8) : maxRequestLine;
        maxHeaderSize = maxHeaderSize == null ? ByteSize.ofKib(16) : maxHeaderSize;
        maxBodySize = maxBodySize == null ? ByteSize.ofMib(10) : maxBodySize;
    }
}
