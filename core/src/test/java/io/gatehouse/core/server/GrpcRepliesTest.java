package io.gatehouse.core.server;

import io.gatehouse.api.Body;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;
import io.gatehouse.core.error.ProblemResponses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GrpcRepliesTest {

    @Test
    void knowsGrpcContentTypes() {
        assertTrue(GrpcReplies.isGrpc(Optional.of("application/grpc")));
        assertTrue(GrpcReplies.isGrpc(Optional.of("application/grpc+proto")));
        assertTrue(GrpcReplies.isGrpc(Optional.of("Application/GRPC; charset=x")));
        assertFalse(GrpcReplies.isGrpc(Optional.of("application/grpc-web")));
        assertFalse(GrpcReplies.isGrpc(Optional.of("application/grpc-web-text+proto")));
        assertFalse(GrpcReplies.isGrpc(Optional.of("application/json")));
        assertFalse(GrpcReplies.isGrpc(Optional.empty()));
    }

    @ParameterizedTest
    @CsvSource({"400,3", "401,16", "403,7", "404,12", "405,12", "408,4", "413,8", "429,8", "431,3", "499,1", "500,13",
            "501,12", "502,14", "503,14", "504,4", "418,2"})
    void mapsStatuses(int status, int code) {
        assertEquals(code, GrpcReplies.code(status));
    }

    @Test
    void problemBecomesTrailersOnlyGrpcResponse() {
        Response problem = ProblemResponses.of(401, "unauthorized", "no token: 100% sure ü", "req-1", "/x.Y/Z");
        problem.headers().set("WWW-Authenticate", "Bearer realm=\"api\"");
        Response grpc = GrpcReplies.of(problem);
        assertEquals(200, grpc.status());
        assertEquals("application/grpc", grpc.headers().first("Content-Type").orElseThrow());
        assertEquals("Bearer realm=\"api\"", grpc.headers().first("WWW-Authenticate").orElseThrow());
        assertEquals("16", grpc.trailers().first("grpc-status").orElseThrow());
        assertEquals("no token: 100%25 sure %C3%BC (request req-1)",
                grpc.trailers().first("grpc-message").orElseThrow());
        assertEquals(0, grpc.body().readAll(10).length);
    }

    @Test
    void upstreamAnswersAreLeftAlone() {
        Response upstream = new Response(503, Headers.of("Content-Type", "application/grpc"),
                Body.of("x".getBytes(StandardCharsets.UTF_8)));
        assertSame(upstream, GrpcReplies.of(upstream));
        Response ok = ProblemResponses.of(404, "not_found", "d", "r", "/");
        ok.status(200);
        assertSame(ok, GrpcReplies.of(ok));
    }
}
