package io.gatehouse.plugins.grpc;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Response;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transcoder in memory, on a real server: a quick check below the gateway. */
class TranscoderTest {

    @Test
    void unaryCall() throws Exception {
        Path home = Files.createTempDirectory("transcoder");
        Files.copy(Path.of("target/test-classes/descriptors/test.pb"), home.resolve("echo.pb"));
        GrpcTransportFactory.Config config = new GrpcTransportFactory.Config("echo.pb", null, null, null, null, null,
                null, null);
        try (EchoServer server = EchoServer.withoutReflection("a");
             GrpcTransport transport = new GrpcTransport(config, TestPluginContext.of("transport.grpc", config,
                     home))) {
            Response response = transport.send(TestExchange.get("/v1/greetings/ann"), Endpoint.of(server.url()),
                    Duration.ofSeconds(5));
            String body = new String(response.body().readAll(1 << 20), StandardCharsets.UTF_8);
            assertEquals(200, response.status(), body);
            assertEquals("{\"message\":\"hello ann\",\"server\":\"a\"}", body);
        }
    }

    @Test
    void eventsAreSentOnlyToClientsThatAcceptExactlyTheirType() {
        assertTrue(Transcoder.acceptsEventStream(java.util.List.of("text/event-stream")));
        assertTrue(Transcoder.acceptsEventStream(java.util.List.of("application/json, Text/Event-Stream;q=0.5")));
        assertTrue(Transcoder.acceptsEventStream(java.util.List.of("application/json", "text/event-stream")));
        org.junit.jupiter.api.Assertions.assertFalse(Transcoder.acceptsEventStream(
                java.util.List.of("text/event-streamx")));
        org.junit.jupiter.api.Assertions.assertFalse(Transcoder.acceptsEventStream(
                java.util.List.of("text/event-stream;q=0")));
        org.junit.jupiter.api.Assertions.assertFalse(Transcoder.acceptsEventStream(java.util.List.of("*/*")));
        org.junit.jupiter.api.Assertions.assertFalse(Transcoder.acceptsEventStream(java.util.List.of()));
    }
}
