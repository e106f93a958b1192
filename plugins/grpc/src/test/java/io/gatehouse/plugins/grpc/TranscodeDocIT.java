package io.gatehouse.plugins.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.PackagedPlugin;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;

import static io.gatehouse.plugins.grpc.TranscodeIT.JSON;
import static io.gatehouse.plugins.grpc.TranscodeIT.send;
import static io.gatehouse.plugins.grpc.TranscodeStreamingIT.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The config examples of docs/grpc.md, run as written (the endpoint's address aside). */
class TranscodeDocIT {

    private static final String PAGE = "docs/grpc.md";
    private static final String DOC_ENDPOINT = "http://127.0.0.1:50051";

    @Test
    void descriptorSetExample() throws Exception {
        try (EchoServer server = EchoServer.withoutReflection("d");
             GatewayFixture gateway = GatewayFixture.start(TranscodeIT.home(),
                     DocExample.yaml(PAGE, "transcode-descriptor-set").replace(DOC_ENDPOINT, server.url()))) {
            HttpResponse<String> get = send(gateway, "GET", "/v1/greetings/ann", null);
            assertEquals(200, get.statusCode(), get.body());
            assertEquals("hello ann", JSON.readTree(get.body()).get("message").asText());
            HttpResponse<String> post = send(gateway, "POST", "/v1/greetings", "{\"name\":\"ann\",\"times\":2}");
            assertEquals("hello ann hello ann", JSON.readTree(post.body()).get("message").asText());
            HttpResponse<String> plain = send(gateway, "POST", "/gatehouse.test.Plain/Echo", "{\"name\":\"ann\"}");
            assertEquals("plain ann", JSON.readTree(plain.body()).get("message").asText());
            HttpResponse<String> count = send(gateway, "GET", "/v1/count/3?intervalMs=10", null,
                    "Accept", "text/event-stream");
            assertEquals("data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: {\"n\":3}\n\n", count.body());
            HttpResponse<String> sum = send(gateway, "POST", "/v1/sum", "{\"value\":\"1\"}\n{\"value\":\"2\"}\n");
            assertEquals(JSON.readTree("{\"sum\":\"3\",\"count\":2}"), JSON.readTree(sum.body()));
            assertEquals(java.util.List.of(io.gatehouse.plugins.grpc.test.Number.newBuilder().setValue(1).build(),
                    io.gatehouse.plugins.grpc.test.Number.newBuilder().setValue(2).build()),
                    server.received.subList(server.received.size() - 2, server.received.size()));
        }
    }

    /** The page's first example: one route, reflection, and all three kinds of client on it. */
    @Test
    void minimalExampleServesJsonAndNativeGrpcOnOneRoute() throws Exception {
        try (EchoServer server = EchoServer.start("m");
             GatewayFixture gateway = GatewayFixture.start(PackagedPlugin.home("gatehouse-plugin-grpc"),
                     DocExample.yaml(PAGE, "grpc-minimal").replace(DOC_ENDPOINT, server.url()))) {
            AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
            poll(() -> {
                try {
                    last.set(send(gateway, "GET", "/v1/greetings/ann", null));
                    return last.get().statusCode() == 200;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "the schema fetched by reflection");
            assertEquals("hello ann", JSON.readTree(last.get().body()).get("message").asText());
            io.grpc.ManagedChannel channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
                    .forAddress("127.0.0.1", gateway.gateway().port()).usePlaintext().build();
            try {
                assertEquals("hello bob", io.gatehouse.plugins.grpc.test.EchoGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(20, java.util.concurrent.TimeUnit.SECONDS)
                        .say(io.gatehouse.plugins.grpc.test.SayRequest.newBuilder().setName("bob").build())
                        .getMessage());
            } finally {
                channel.shutdownNow();
            }
            assertEquals(2, server.received.size(), server.received.toString());
        }
    }

    @Test
    void reflectionExample() throws Exception {
        try (EchoServer server = EchoServer.start("r");
             GatewayFixture gateway = GatewayFixture.start(PackagedPlugin.home("gatehouse-plugin-grpc"),
                     DocExample.yaml(PAGE, "transcode-reflection").replace(DOC_ENDPOINT, server.url()))) {
            AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
            poll(() -> {
                try {
                    last.set(send(gateway, "GET", "/api/v1/metadata", null, "X-Tenant", "acme"));
                    return last.get().statusCode() == 200;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "the schema fetched by reflection");
            HttpResponse<String> response = last.get();
            JsonNode received = JSON.readTree(response.body()).get("received");
            assertEquals("acme", received.get("x-tenant").asText());
            assertEquals("h", response.headers().firstValue("x-echo-header").orElse(""));
            assertEquals("t", response.headers().firstValue("x-echo-trailer").orElse(""));
            HttpResponse<String> unknown = send(gateway, "POST", "/api/v1/greetings", "{\"nom\":\"x\"}");
            assertEquals(400, unknown.statusCode(), unknown.body());
        }
    }
}
