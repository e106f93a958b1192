package io.gatehouse.plugins.grpc;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.gatehouse.api.GatewayException;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Request JSON held to RFC 8259 before protobuf's parser (which is lenient: single quotes, unquoted names, comments,
 * {@code NaN}, duplicate names with the last one winning) sees it, so that what a filter that checks a body reads
 * is what the service gets: one value, strict syntax, no name twice in an object, valid UTF-8 with no unpaired
 * surrogate, at most {@value #MAX_DEPTH} levels deep.
 */
final class JsonText {

    private static final int MAX_DEPTH = 100;

    private JsonText() {
    }

    /**
     * @return the body as text
     * @throws GatewayException 400 {@code grpc_invalid_json} when it is not UTF-8
     */
    static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw invalid("the request body is not valid UTF-8");
        }
    }

    /**
     * Checks that the text is exactly one strict JSON value.
     *
     * @throws GatewayException 400 {@code grpc_invalid_json} saying what is wrong
     */
    static void check(String text) {
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            value(reader, 0);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw invalid("the request body has more after its JSON value");
            }
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw invalid("the request body is not valid JSON: " + e.getMessage());
        }
    }

    private static void value(JsonReader reader, int depth) throws IOException {
        switch (reader.peek()) {
            case BEGIN_OBJECT -> {
                deeper(depth);
                reader.beginObject();
                Set<String> names = new HashSet<>();
                while (reader.hasNext()) {
                    String name = text(reader.nextName());
                    if (!names.add(name)) {
                        throw invalid("the request body has the member \"" + name + "\" twice in one object");
                    }
                    value(reader, depth + 1);
                }
                reader.endObject();
            }
            case BEGIN_ARRAY -> {
                deeper(depth);
                reader.beginArray();
                while (reader.hasNext()) {
                    value(reader, depth + 1);
                }
                reader.endArray();
            }
            case STRING -> text(reader.nextString());
            case NUMBER -> reader.nextString();
            case BOOLEAN -> reader.nextBoolean();
            case NULL -> reader.nextNull();
            default -> throw invalid("the request body is not valid JSON");
        }
    }

    private static void deeper(int depth) {
        if (depth >= MAX_DEPTH) {
            throw invalid("the request body nests deeper than " + MAX_DEPTH + " levels");
        }
    }

    /** A string with no unpaired surrogate (a {@code \\uD800} escape alone): it has no UTF-8 form. */
    private static String text(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw invalid("the request body has an unpaired surrogate escape");
            }
        }
        return value;
    }

    private static GatewayException invalid(String detail) {
        return new GatewayException(400, "grpc_invalid_json", detail);
    }
}
