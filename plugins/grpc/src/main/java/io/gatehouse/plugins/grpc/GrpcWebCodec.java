package io.gatehouse.plugins.grpc;

import io.gatehouse.api.Headers;
import io.grpc.Status;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * gRPC-Web's differences from gRPC (the gRPC-Web protocol, as Envoy's {@code grpc_web} filter implements it): the
 * trailers travel in the body as a last frame (flag {@code 0x80}, lines {@code name: value\r\n} with lower-case
 * names), and the {@code -text} variants base64-encode the whole body both ways.
 */
final class GrpcWebCodec {

    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private GrpcWebCodec() {
    }

    /** The trailer frame for the end of a gRPC-Web response body. */
    static byte[] trailerFrame(Headers trailers) {
        StringBuilder block = new StringBuilder();
        trailers.forEach((name, value) -> block.append(name.toLowerCase(Locale.ROOT)).append(": ").append(value)
                .append("\r\n"));
        return GrpcFrames.frame(GrpcFrames.TRAILERS, block.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Response bytes for {@code application/grpc-web-text}: each piece written is base64-encoded on its own, padded,
     * so that it can be sent at once (the gRPC-Web protocol lets padding appear between pieces; its clients decode
     * 4 characters at a time).
     */
    static byte[] text(byte[] bytes) {
        return BASE64.encode(bytes);
    }

    /**
     * The decoded body of an {@code application/grpc-web-text} request: base64, possibly several padded pieces one
     * after another (a client that sends its messages as they come). A character outside the base64 alphabet,
     * padding inside a group, or a last group cut short is a {@link GrpcProtocolException} (INTERNAL).
     */
    static InputStream decodingText(InputStream text) {
        return new TextInput(text);
    }

    private static final class TextInput extends InputStream {
        private final InputStream in;
        private final byte[] group = new byte[4];
        private final byte[] decoded = new byte[3];
        private int decodedLength;
        private int decodedPos;
        private boolean ended;

        TextInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (decodedPos == decodedLength && !nextGroup()) {
                return -1;
            }
            int n = Math.min(length, decodedLength - decodedPos);
            System.arraycopy(decoded, decodedPos, buffer, offset, n);
            decodedPos += n;
            return n;
        }

        /** Decodes the next 4 characters; @return false at the end of the text */
        private boolean nextGroup() throws IOException {
            do {
                if (ended) {
                    return false;
                }
                int filled = 0;
                while (filled < 4) {
                    int c = in.read();
                    if (c < 0) {
                        ended = true;
                        if (filled == 0) {
                            return false;
                        }
                        throw invalid("the base64 text ends inside a group of 4 characters");
                    }
                    group[filled++] = (byte) c;
                }
                decodedLength = decode(group, decoded);
                decodedPos = 0;
            } while (decodedLength == 0);
            return true;
        }

        private static int decode(byte[] group, byte[] into) throws GrpcProtocolException {
            int bits = 0;
            int padding = 0;
            for (int i = 0; i < 4; i++) {
                int c = group[i];
                int value;
                if (c == '=') {
                    if (i < 2) {
                        throw invalid("base64 padding in the first half of a group");
                    }
                    padding++;
                    value = 0;
                } else {
                    if (padding > 0) {
                        throw invalid("base64 text after padding inside a group");
                    }
                    value = sextet(c);
                }
                bits = (bits << 6) | value;
            }
            into[0] = (byte) (bits >>> 16);
            into[1] = (byte) (bits >>> 8);
            into[2] = (byte) bits;
            return 3 - padding;
        }

        private static int sextet(int c) throws GrpcProtocolException {
            if (c >= 'A' && c <= 'Z') {
                return c - 'A';
            }
            if (c >= 'a' && c <= 'z') {
                return c - 'a' + 26;
            }
            if (c >= '0' && c <= '9') {
                return c - '0' + 52;
            }
            if (c == '+' || c == '-') {
                return 62;
            }
            if (c == '/' || c == '_') {
                return 63;
            }
            throw invalid("the request body is not base64 (a character outside its alphabet)");
        }

        private static GrpcProtocolException invalid(String message) {
            return new GrpcProtocolException(Status.INTERNAL, "grpc-web-text: " + message);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
