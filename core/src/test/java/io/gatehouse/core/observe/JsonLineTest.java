package io.gatehouse.core.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The access log's line writer against Jackson's generator, which wrote the lines before it. */
class JsonLineTest {

    private static final JsonFactory JACKSON = new JsonFactory();

    @Test
    void writesTheBytesJacksonWroteForRandomText() throws IOException {
        Random random = new Random(42);
        for (int round = 0; round < 20_000; round++) {
            String value = randomText(random);
            long number = random.nextLong();
            JsonLine line = new JsonLine();
            line.begin();
            line.string("path", value);
            line.number("status", number);
            line.string("upstream", null);
            line.numberText("duration_ms", "1.250");
            line.end();

            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            try (JsonGenerator json = JACKSON.createGenerator(expected)) {
                json.writeStartObject();
                json.writeStringField("path", value);
                json.writeNumberField("status", number);
                json.writeStringField("upstream", null);
                json.writeFieldName("duration_ms");
                json.writeNumber("1.250");
                json.writeEndObject();
            }
            expected.write('\n');
            ByteArrayOutputStream written = new ByteArrayOutputStream();
            line.writeTo(written);
            assertArrayEquals(expected.toByteArray(), written.toByteArray(), () -> "for " + escape(value));
        }
    }

    @Test
    void aLoneSurrogateIsEscapedAndTheLineStillParses() throws IOException {
        String value = "a\uD800b\uDC00c\uDBFF";
        JsonLine line = new JsonLine();
        line.begin();
        line.string("error", value);
        line.end();
        assertEquals("{\"error\":\"a\\uD800b\\uDC00c\\uDBFF\"}\n", line.toString());
        JsonNode parsed = new ObjectMapper().readTree(line.toString());
        assertEquals(value, parsed.get("error").asText());
    }

    @Test
    void aLineIsReusedAndAnEmptyOneIsAnEmptyObject() {
        JsonLine line = new JsonLine();
        line.begin();
        line.string("x", "y".repeat(100_000));
        line.end();
        line.begin();
        line.end();
        assertEquals("{}\n", line.toString());
    }

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(6)) {
                case 0 -> text.append((char) random.nextInt(0x20)); // controls
                case 1 -> text.append("\"\\/\u007f".charAt(random.nextInt(4)));
                case 2 -> text.append((char) (0x80 + random.nextInt(0x780))); // two UTF-8 bytes
                case 3 -> text.append((char) (0x800 + random.nextInt(0xD000))); // three, below the surrogates
                case 4 -> text.appendCodePoint(0x10000 + random.nextInt(0xFFFFF)); // a pair: four bytes
                default -> text.append((char) (0x20 + random.nextInt(0x5F)));
            }
        }
        return text.toString();
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : (char) c));
        return out.toString();
    }
}
