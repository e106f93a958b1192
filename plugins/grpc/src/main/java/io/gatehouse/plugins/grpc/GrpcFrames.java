package io.gatehouse.plugins.grpc;

import io.grpc.Status;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * gRPC's length-prefixed messages (the body of {@code application/grpc} and {@code application/grpc-web}): a flag
 * byte (bit 0: compressed; gRPC-Web's bit 7: a trailer frame), a 4-byte big-endian length, then the message.
 */
final class GrpcFrames {

    static final int COMPRESSED = 0x01;
    static final int TRAILERS = 0x80;
    static final int HEADER = 5;

    private GrpcFrames() {
    }

    /** One frame as read: its flag byte and its payload. */
    record Frame(int flags, byte[] payload) {
        boolean compressed() {
            return (flags & COMPRESSED) != 0;
        }
    }

    /**
     * Reads the next frame.
     *
     * @param maxSize the largest payload accepted
     * @return the frame, or {@code null} when the stream ends where a frame would begin
     * @throws GrpcProtocolException INTERNAL for a frame cut short or a flag no client sends, RESOURCE_EXHAUSTED for a
     *                               length over {@code maxSize} (its payload is not read)
     * @throws IOException           when the stream itself fails
     */
    static Frame read(InputStream in, int maxSize) throws IOException {
        int flags = in.read();
        if (flags < 0) {
            return null;
        }
        if ((flags & ~COMPRESSED) != 0) {
            throw new GrpcProtocolException(Status.INTERNAL, "a request frame has the unknown flags 0x"
                    + Integer.toHexString(flags));
        }
        byte[] prefix = new byte[HEADER - 1];
        readFully(in, prefix);
        long length = ((prefix[0] & 0xFFL) << 24) | ((prefix[1] & 0xFF) << 16) | ((prefix[2] & 0xFF) << 8)
                | (prefix[3] & 0xFF);
        if (length > maxSize) {
            throw new GrpcProtocolException(Status.RESOURCE_EXHAUSTED, "a request message of " + length
                    + " bytes is larger than the limit of " + maxSize);
        }
        byte[] payload = new byte[(int) length];
        readFully(in, payload);
        return new Frame(flags, payload);
    }

    private static void readFully(InputStream in, byte[] into) throws IOException {
        int done = 0;
        while (done < into.length) {
            int n = in.read(into, done, into.length - done);
            if (n < 0) {
                throw new GrpcProtocolException(Status.INTERNAL, "the request ended inside a frame");
            }
            done += n;
        }
    }

    /** A frame holding {@code payload}. */
    static byte[] frame(int flags, byte[] payload) {
        byte[] frame = new byte[HEADER + payload.length];
        frame[0] = (byte) flags;
        frame[1] = (byte) (payload.length >>> 24);
        frame[2] = (byte) (payload.length >>> 16);
        frame[3] = (byte) (payload.length >>> 8);
        frame[4] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, HEADER, payload.length);
        return frame;
    }

    /**
     * Whether a request's {@code grpc-encoding} is one the gateway can decompress: none, {@code identity},
     * {@code gzip}, {@code deflate}.
     */
    static boolean knownEncoding(String encoding) {
        return switch (encoding == null ? "identity" : encoding.trim().toLowerCase(Locale.ROOT)) {
            case "identity", "gzip", "deflate" -> true;
            default -> false;
        };
    }

    /**
     * The message of a frame, decompressed when its flag says so.
     *
     * @param encoding the request's {@code grpc-encoding}, or {@code null}
     * @throws GrpcProtocolException INTERNAL for a compressed frame without an encoding or with bytes that do not
     *                               decompress, RESOURCE_EXHAUSTED when it decompresses to more than {@code maxSize}
     */
    static byte[] message(Frame frame, String encoding, int maxSize) throws GrpcProtocolException {
        if (!frame.compressed()) {
            return frame.payload();
        }
        String name = encoding == null ? "identity" : encoding.trim().toLowerCase(Locale.ROOT);
        try (InputStream in = switch (name) {
            case "gzip" -> new GZIPInputStream(new ByteArrayInputStream(frame.payload()));
            case "deflate" -> new InflaterInputStream(new ByteArrayInputStream(frame.payload()));
            default -> throw new GrpcProtocolException(Status.INTERNAL, "a request frame is compressed, but "
                    + "grpc-encoding names no compression");
        }) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) != -1; ) {
                if (out.size() + n > maxSize) {
                    throw new GrpcProtocolException(Status.RESOURCE_EXHAUSTED, "a request message decompresses "
                            + "to more than the limit of " + maxSize + " bytes");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (GrpcProtocolException e) {
            throw e;
        } catch (EOFException e) {
            throw new GrpcProtocolException(Status.INTERNAL, "a compressed request message is cut short");
        } catch (IOException e) {
            throw new GrpcProtocolException(Status.INTERNAL, "a compressed request message does not decompress "
                    + "with " + name);
        }
    }
}
