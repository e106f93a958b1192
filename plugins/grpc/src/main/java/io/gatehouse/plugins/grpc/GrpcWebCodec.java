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

    private static final class TextInput extends ChunkedInput {
        private final InputStream in;
        private final byte[] text = new byte[4 + 8192];
        /** Characters of a group not complete yet, at the start of {@link #text}. */
        private int pending;

        TextInput(InputStream in) {
            this.in = in;
        }

        /** Decodes the whole groups of what the next read of the text gives; @return {@code null} at its end */
        @Override
        protected byte[] nextChunk() throws IOException {
            int n = in.read(text, pending, text.length - pending);
            if (n < 0) {
                if (pending > 0) {
                    throw invalid("the base64 text ends inside a group of 4 characters");
                }
                return null;
            }
            int available = pending + n;
            int whole = available / 4 * 4;
            byte[] decoded = new byte[whole / 4 * 3];
            int length = 0;
            byte[] group = new byte[3];
            for (int i = 0; i < whole; i += 4) {
                int bytes = decode(text, i, group);
                System.arraycopy(group, 0, decoded, length, bytes);
                length += bytes;
            }
            pending = available - whole;
            System.arraycopy(text, whole, text, 0, pending);
            return length == decoded.length ? decoded : java.util.Arrays.copyOf(decoded, length);
        }

        /** Decodes the group of 4 characters at {@code from}: @return how many bytes it holds, 1 to 3 */
        private static int decode(byte[] text, int from, byte[] into) throws GrpcProtocolException {
            int bits = 0;
            int padding = 0;
            for (int i = 0; i < 4; i++) {
                int c = text[from + i];
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
