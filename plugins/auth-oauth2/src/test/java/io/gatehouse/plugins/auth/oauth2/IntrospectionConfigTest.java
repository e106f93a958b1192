package io.gatehouse.plugins.auth.oauth2;

import io.gatehouse.core.config.Problem;
import io.gatehouse.core.config.RecordBinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The config as a user writes it: defaults, and every mistake reported at its key. */
class IntrospectionConfigTest {

    private static final String BASE = "introspection_url: \"https://as.example/introspect\", client_id: gw, "
            + "client_secret: s3cr3t-value";

    /** Binds and validates as the core does; returns every problem. */
    private static List<Problem> problems(String yaml) {
        List<Problem> problems = new ArrayList<>();
        IntrospectionConfig config = new RecordBinder().bind(new Yaml().load(yaml), IntrospectionConfig.class, "",
                problems);
        if (config != null) {
            new IntrospectionFilterFactory().validate(config,
                    (path, message) -> problems.add(new Problem(path, message)));
        }
        return problems;
    }

    @Test
    void defaults() {
        IntrospectionConfig config = new RecordBinder().bind(new Yaml().load("{" + BASE + "}"),
                IntrospectionConfig.class, "", new ArrayList<>());
        assertEquals(IntrospectionConfig.ClientAuth.BASIC, config.clientAuth());
        assertEquals("access_token", config.tokenTypeHint());
        assertEquals(Duration.ofSeconds(2), config.timeout());
        assertEquals(Duration.ofSeconds(2), config.connectTimeout());
        assertEquals(Duration.ofSeconds(30), config.cacheTtl());
        assertEquals(Duration.ofSeconds(5), config.negativeCacheTtl());
        assertEquals(10_000, config.maximumEntries());
        assertEquals(64, config.maxConcurrentCalls());
        assertEquals(503, config.unavailableStatus());
        assertEquals("scope", config.scopeClaim());
        assertEquals(List.of("sub", "username", "client_id"), config.consumerClaims());
        assertEquals(Map.of(), config.forwardClaims());
        assertFalse(config.keepCredential());
        assertEquals("gatehouse", config.realm());
        assertEquals(List.of(), problems("{" + BASE + "}"));
    }

    @Test
    void theSecretIsNotInToString() {
        IntrospectionConfig config = new RecordBinder().bind(new Yaml().load("{" + BASE + "}"),
                IntrospectionConfig.class, "", new ArrayList<>());
        assertFalse(config.toString().contains("s3cr3t-value"), config.toString());
        assertTrue(config.toString().contains("https://as.example/introspect"));
    }

    record Case(String yaml, String path, String message) {
        @Override
        public String toString() {
            return path + " <- " + yaml;
        }
    }

    /** A mistake in an otherwise good config: {@code keys} added to it. */
    private static Case with(String keys, String path, String message) {
        return new Case("{" + BASE + ", " + keys + " }", path, message);
    }

    static Stream<Case> mistakes() {
        return Stream.of(
                new Case("{ client_id: gw, client_secret: s }", "introspection_url", "required"),
                new Case("{ introspection_url: \"https://as/x\", client_secret: s }", "client_id", "required"),
                new Case("{ introspection_url: \"https://as/x\", client_id: gw }", "client_secret", "required"),
                new Case("{" + BASE.replace("https://as.example/introspect", "ftp://as/x") + "}", "introspection_url",
                        "http(s) URL"),
                new Case("{" + BASE.replace("https://as.example/introspect", "https://u:p@as/x") + "}",
                        "introspection_url", "user info"),
                new Case("{" + BASE.replace("https://as.example/introspect", "not a url") + "}", "introspection_url",
                        "not a URL"),
                new Case("{" + BASE.replace("s3cr3t-value", "\"\"") + "}", "client_secret", "must not be empty"),
                with("client_auth: header", "client_auth", "basic, body"),
                with("timeout: 0s", "timeout", "more than 0"),
                with("timeout: 2m", "timeout", "at most 60s"),
                with("connect_timeout: 0s", "connect_timeout", "more than 0"),
                with("cache_ttl: -1s", "cache_ttl", "negative"),
                with("negative_cache_ttl: -5s", "negative_cache_ttl", "negative"),
                with("cache_ttl: 25h", "cache_ttl", "at most 24h"),
                with("negative_cache_ttl: 11m", "negative_cache_ttl", "at most 10m"),
                with("maximum_entries: 0", "maximum_entries", "at least 1"),
                with("max_concurrent_calls: 0", "max_concurrent_calls", "at least 1"),
                with("unavailable_status: 200", "unavailable_status", "503 or 401"),
                with("required_scopes: [ ok, \"two words\" ]", "required_scopes[1]",
                        "not a scope name"),
                with("required_scopes: [ \"say\\\"hi\" ]", "required_scopes[0]",
                        "not a scope name"),
                with("scope_claim: \" \"", "scope_claim", "must not be empty"),
                with("issuer: \"\"", "issuer", "must not be empty"),
                with("audiences: [ a, \"\" ]", "audiences[1]", "must not be empty"),
                with("consumer_claim: \"\"", "consumer_claim", "must not be empty"),
                with("groups_claim: \"\"", "groups_claim", "must not be empty"),
                with("attributes: [ \" \" ]", "attributes[0]", "must not be empty"),
                with("anonymous: \"\"", "anonymous", "must not be empty"),
                with("forward_claims: { email: \"Bad Name\" }", "forward_claims.email",
                        "not a header name"),
                with("forward_claims: { sub: X-Consumer-Id }", "forward_claims.sub",
                        "gateway's own"),
                with("forward_claims: { sub: Host }", "forward_claims.sub", "cannot carry"),
                with("forward_claims: { sub: authorization }", "forward_claims.sub",
                        "cannot carry"),
                with("forward_claims: { sub: X-User, email: x-user }", "forward_claims.email",
                        "already carries"),
                with("realm: \"a\\\"b\"", "realm", "without quotes"),
                with("realm: \"\"", "realm", "printable ASCII"),
                with("cache_size: 5", "cache_size", "unknown"));
    }

    @ParameterizedTest
    @MethodSource("mistakes")
    void eachMistakeIsReportedAtItsKey(Case c) {
        List<Problem> problems = problems(c.yaml());
        assertTrue(problems.stream().anyMatch(p -> p.path().equals(c.path()) && p.message().contains(c.message())),
                () -> "expected " + c.path() + ": ..." + c.message() + "..., got " + problems);
        assertTrue(problems.stream().noneMatch(p -> p.message().contains("s3cr3t-value")));
    }
}
