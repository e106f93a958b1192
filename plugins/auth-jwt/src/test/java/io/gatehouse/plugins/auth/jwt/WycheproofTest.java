package io.gatehouse.plugins.auth.jwt;

import io.gatehouse.api.testkit.TestClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import io.gatehouse.plugins.auth.jwt.Rejection.Reason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Project Wycheproof's JSON Web Signature vectors ({@code src/test/resources/wycheproof}, Apache 2.0): each test
 * group's key is configured as a route's key, as a JWKS (the group's public JWK served on loopback) and, for RSA and
 * EC keys, also as a PEM file (an oct key as the route's secret). Every {@code invalid} vector must be refused.
 * No {@code valid} vector of this file has a JSON object of claims as its payload, so each must be refused as
 * malformed: for the canonical ones the refusal must come after the signature was found valid
 * ({@code not_claims}), which shows the route's key and algorithm checks accept the vector's signature. As a
 * positive control, a token with claims signed with each group's private key must pass the same route. Counts are
 * printed and written to {@code target/wycheproof-counts.txt}.
 */
class WycheproofTest {

    enum Form { JWKS, PEM, SECRET }

    record Group(int index, String comment, ObjectNode publicKey, ObjectNode privateKey, JsonNode tests, Form form) {
        @Override
        public String toString() {
            return "group " + index + " (" + comment + ", kid " + publicKey.path("kid").asText("-") + ") as " + form;
        }

        String kty() {
            return publicKey.path("kty").asText();
        }

        /** @return whether the JWK names an alg this gateway does not know (rfc7520's "ES521") */
        boolean unknownAlg() {
            return publicKey.has("alg") && JwsAlgorithm.named(publicKey.get("alg").asText()).isEmpty();
        }

        /** @return whether the JWKS form leaves the key out for its use or key_ops */
        boolean notForSignatures() {
            return publicKey.has("use") && !"sig".equals(publicKey.get("use").asText())
                    || publicKey.has("key_ops") && !publicKey.get("key_ops").toString().contains("\"verify\"");
        }
    }

    private static final TestClock CLOCK = new TestClock(TestTokens.NOW);
    private static final Map<String, AtomicInteger> COUNTS = new ConcurrentHashMap<>();
    private static JwksServer jwks;
    private static Path home;
    private static final List<TestPluginContext> CONTEXTS = new ArrayList<>();

    @BeforeAll
    static void start(@org.junit.jupiter.api.io.TempDir Path temp) throws Exception {
        jwks = JwksServer.start();
        home = temp;
    }

    @AfterAll
    static void report() throws Exception {
        for (TestPluginContext context : CONTEXTS) {
            context.drained();
        }
        jwks.close();
        StringBuilder out = new StringBuilder("Wycheproof json_web_signature_test.json:\n");
        new TreeMap<>(COUNTS).forEach((key, count) -> out.append("  ").append(key).append(": ").append(count)
                .append('\n'));
        System.out.print(out);
        Files.writeString(Path.of("target", "wycheproof-counts.txt"), out);
    }

    private static void count(String key) {
        COUNTS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    static Stream<Group> groups() throws Exception {
        JsonNode root;
        try (InputStream in = WycheproofTest.class.getResourceAsStream("/wycheproof/json_web_signature_test.json")) {
            root = TokenVerifier.JSON.readTree(in);
        }
        assertEquals(401, root.get("numberOfTests").asInt());
        List<Group> groups = new ArrayList<>();
        JsonNode all = root.get("testGroups");
        for (int i = 0; i < all.size(); i++) {
            JsonNode group = all.get(i);
            ObjectNode privateKey = (ObjectNode) group.get("private");
            ObjectNode publicKey = group.has("public") ? (ObjectNode) group.get("public") : privateKey;
            String comment = group.get("comment").asText();
            if ("oct".equals(publicKey.path("kty").asText())) {
                groups.add(new Group(i, comment, publicKey, privateKey, group.get("tests"), Form.SECRET));
            } else {
                groups.add(new Group(i, comment, publicKey, privateKey, group.get("tests"), Form.JWKS));
                groups.add(new Group(i, comment, publicKey, privateKey, group.get("tests"), Form.PEM));
            }
        }
        return groups.stream();
    }

    /** The route's algorithms: every one the key's type (and curve) can check; a JWK's own alg narrows it further. */
    private static List<String> algorithms(Group group) {
        return switch (group.kty()) {
            case "RSA" -> List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512");
            case "EC" -> List.of(switch (group.publicKey().get("crv").asText()) {
                case "P-256" -> "ES256";
                case "P-384" -> "ES384";
                default -> "ES512";
            });
            default -> List.of("HS256");
        };
    }

    /** The algorithm of the control token: the key's own when it names a known one, else the route's first. */
    private static String controlAlgorithm(Group group) {
        return group.publicKey().has("alg") && !group.unknownAlg() ? group.publicKey().get("alg").asText()
                : algorithms(group).getFirst();
    }

    /**
     * Why a valid vector whose payload is no claims object is refused: as malformed, except in the JWKS form when
     * the JWKS has no key for it (the group's key is not for signatures, names an unknown alg, or names another alg
     * than the vector's).
     */
    private static Set<Reason> expectedForValid(Group group, String jws) throws Exception {
        if (group.form() == Form.JWKS && (group.unknownAlg() || group.notForSignatures())) {
            return Set.of(Reason.KEYS_UNAVAILABLE);
        }
        if (group.form() == Form.JWKS && group.publicKey().has("alg")) {
            JsonNode header = TokenVerifier.JSON.readTree(TokenVerifier.decode(jws.substring(0, jws.indexOf('.'))));
            if (!group.publicKey().get("alg").asText().equals(header.path("alg").asText())) {
                return Set.of(Reason.UNKNOWN_KEY);
            }
        }
        return Set.of(Reason.NOT_CLAIMS, Reason.MALFORMED);
    }

    private static Filter route(Group group) throws Exception {
        String algorithms = String.join(", ", algorithms(group));
        String source = switch (group.form()) {
            case SECRET -> "secret: \"" + group.privateKey().get("k").asText() + "\"\nsecret_base64: true";
            case JWKS -> {
                String path = "/group-" + group.index();
                jwks.serve(path, "{\"keys\":[" + group.publicKey() + "]}");
                yield "jwks_url: \"" + jwks.url(path) + "\"";
            }
            case PEM -> {
                Path file = home.resolve("group-" + group.index() + ".pem");
                Files.writeString(file, TokenMatrixTest.pem(spki(group.publicKey())));
                yield "public_key_file: " + file.getFileName();
            }
        };
        JwtConfig config = TestConfigs.valid(source + "\nalgorithms: [" + algorithms + "]\nrequired_claims: []\n");
        TestPluginContext context = TestPluginContext.of(JwtFilterFactory.ID, config, home);
        CONTEXTS.add(context);
        return new JwtFilterFactory(CLOCK).create(config, context);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    void everyInvalidVectorIsRefusedAndNoValidOneCrashes(Group group) throws Exception {
        Filter filter = route(group);
        for (JsonNode test : group.tests()) {
            String jws = test.get("jws").asText();
            String id = "tcId " + test.get("tcId").asText() + " (" + test.get("comment").asText() + ")";
            boolean valid = "valid".equals(test.get("result").asText());
            TestChain chain = TestChain.ok();
            TestExchange exchange = TestExchange.builder().header("Authorization", "Bearer " + jws).build();
            if (valid && claimsPayload(jws)) {
                filter.filter(exchange, chain);
                assertEquals(1, chain.calls(), id);
                count(group.form() + " valid, claims payload: accepted");
                continue;
            }
            GatewayException refusal = assertThrows(GatewayException.class, () -> filter.filter(exchange, chain), id);
            assertEquals(0, chain.calls(), id);
            Reason reason = reasonOf(refusal);
            if (!valid) {
                count(group.form() + " invalid: refused");
                continue;
            }
            Set<Reason> expected = expectedForValid(group, jws);
            assertTrue(expected.contains(reason), id + " was refused as " + reason + ", expected one of " + expected);
            count(group.form() + " valid, payload not claims: refused as " + reason.logName());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    void aClaimsTokenSignedWithTheGroupsKeyPasses(Group group) throws Exception {
        Filter filter = route(group);
        JWSAlgorithm alg = JWSAlgorithm.parse(controlAlgorithm(group));
        String token = TestTokens.sign(new JWSHeader.Builder(alg).keyID(group.publicKey().path("kid").asText(null))
                .build(), TestTokens.claims().build(), signer(group));
        TestChain chain = TestChain.ok();
        TestExchange exchange = TestExchange.builder().header("Authorization", "Bearer " + token).build();
        if (group.form() == Form.JWKS && (group.unknownAlg() || group.notForSignatures())) {
            GatewayException refusal = assertThrows(GatewayException.class, () -> filter.filter(exchange, chain));
            assertEquals(Reason.KEYS_UNAVAILABLE, reasonOf(refusal), "the JWKS's only key is not for signatures");
            count(group.form() + " control token: refused, the key is not usable for signatures");
            return;
        }
        filter.filter(exchange, chain);
        assertEquals(1, chain.calls());
        assertEquals("alice", exchange.authenticated().orElseThrow().id());
        count(group.form() + " control token: accepted");
    }

    /** @return the DER SubjectPublicKeyInfo of an RSA or EC JWK */
    private static byte[] spki(ObjectNode publicKey) throws Exception {
        JWK jwk = JWK.parse(publicKey.toString());
        return jwk instanceof RSAKey rsa ? rsa.toRSAPublicKey().getEncoded()
                : ((ECKey) jwk).toECPublicKey().getEncoded();
    }

    private static JWSSigner signer(Group group) throws Exception {
        ObjectNode key = group.privateKey().deepCopy();
        key.remove(List.of("key_ops", "use", "alg"));
        JWK jwk = JWK.parse(key.toString());
        if (jwk instanceof RSAKey rsa) {
            return new RSASSASigner(rsa);
        }
        if (jwk instanceof ECKey ec) {
            return new ECDSASigner(ec);
        }
        return new MACSigner(jwk.toOctetSequenceKey());
    }

    private static boolean claimsPayload(String jws) {
        String[] parts = jws.split("\\.", -1);
        try {
            return parts.length == 3 && TokenVerifier.JSON.readTree(TokenVerifier.decode(parts[1])).isObject();
        } catch (Exception e) {
            return false;
        }
    }

    private static Reason reasonOf(GatewayException refusal) {
        for (Reason reason : Reason.values()) {
            if (reason.description().equals(refusal.getMessage())) {
                return reason;
            }
        }
        return fail("not a refusal of filter.jwt: " + refusal.getMessage());
    }
}
