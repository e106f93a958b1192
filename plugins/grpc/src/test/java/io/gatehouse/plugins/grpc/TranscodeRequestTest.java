package io.gatehouse.plugins.grpc;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Int32Value;
import com.google.protobuf.Timestamp;
import io.gatehouse.api.GatewayException;
import io.gatehouse.plugins.grpc.test.Book;
import io.gatehouse.plugins.grpc.test.SayReply;
import io.gatehouse.plugins.grpc.test.UpdateBookRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Request messages from body, path and query; the binding chosen for a request. */
class TranscodeRequestTest {

    private static Schema schema;

    @BeforeAll
    static void load() throws Exception {
        schema = Schema.of(Files.readAllBytes(Path.of("target/test-classes/descriptors/test.pb")));
    }

    private static UpdateBookRequest update(String path, String query, String body, boolean ignore)
            throws Exception {
        Schema.Match match = schema.match("PATCH", path);
        DynamicMessage message = new JsonMessages(schema, ignore).request(match.binding(), match.variables(), query,
                body.getBytes(StandardCharsets.UTF_8));
        return UpdateBookRequest.parseFrom(message.toByteString());
    }

    @Test
    void queryTypesAndPathPrecedence() throws Exception {
        UpdateBookRequest request = update("/v1/shelves/1/books/2",
                "validate_only=true&book.format=2&book.pages=7&book.published=2024-01-01T00:00:00Z"
                        + "&book.authors=a&book.authors=b%20c&book.name=ignored",
                "{\"title\":\"T\",\"authors\":[\"z\"],\"name\":\"from-body\"}", false);
        assertEquals(UpdateBookRequest.newBuilder().setValidateOnly(true).setBook(Book.newBuilder()
                .setName("shelves/1/books/2").setTitle("T").addAuthors("z").addAuthors("a").addAuthors("b c")
                .setFormat(Book.Format.EBOOK).setPages(Int32Value.of(7))
                .setPublished(Timestamp.newBuilder().setSeconds(1704067200))).build(), request);
    }

    @Test
    void enumByNameAndJsonNames() throws Exception {
        UpdateBookRequest request = update("/v1/shelves/1/books/2", "validateOnly=true&book.format=PAPERBACK", "",
                false);
        assertEquals(Book.Format.PAPERBACK, request.getBook().getFormat());
        assertEquals(true, request.getValidateOnly());
    }

    @Test
    void unknownQueryParameter() throws Exception {
        GatewayException e = assertThrows(GatewayException.class,
                () -> update("/v1/shelves/1/books/2", "book.colour=red", "{}", false));
        assertEquals(400, e.status());
        assertEquals("grpc_unknown_field", e.code());
        assertEquals("shelves/1/books/2", update("/v1/shelves/1/books/2", "book.colour=red", "{}", true)
                .getBook().getName());
    }

    @Test
    void badValues() {
        for (String query : new String[] {"book.pages=many", "validate_only=perhaps", "book.format=HARDBACK",
                "book.published=yesterday"}) {
            GatewayException e = assertThrows(GatewayException.class,
                    () -> update("/v1/shelves/1/books/2", query, "", false), query);
            assertEquals(400, e.status(), query);
        }
    }

    @Test
    void mostLiteralTemplateWins() {
        assertEquals("gatehouse.test.Echo.GetBookTitle",
                schema.match("GET", "/v1/shelves/s/books/b:title").binding().method().getFullName());
        assertEquals("gatehouse.test.Echo.SearchBooks",
                schema.match("GET", "/v1/shelves/s/books").binding().method().getFullName());
    }

    @Test
    void responseBodyOfEachKind() throws Exception {
        JsonMessages json = new JsonMessages(schema, false);
        Schema.Match match = schema.match("GET", "/v1/shelves/s/books/b:title");
        DynamicMessage book = DynamicMessage.parseFrom(match.binding().method().getOutputType(),
                Book.newBuilder().setTitle("T \"q\"").build().toByteString());
        assertEquals("\"T \\\"q\\\"\"", json.print(book, match.binding().responseField()));
        DynamicMessage empty = DynamicMessage.getDefaultInstance(match.binding().method().getOutputType());
        assertEquals("\"\"", json.print(empty, match.binding().responseField()));
        DynamicMessage reply = DynamicMessage.parseFrom(schema.match("GET", "/v1/greetings/x").binding().method()
                .getOutputType(), SayReply.newBuilder().setMessage("m").build().toByteString());
        assertEquals("{\"message\":\"m\"}", json.print(reply, null));
    }
}
