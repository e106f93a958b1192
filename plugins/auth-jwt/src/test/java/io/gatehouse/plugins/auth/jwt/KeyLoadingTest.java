package io.gatehouse.plugins.auth.jwt;

import io.gatehouse.api.testkit.TestClock;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import io.gatehouse.api.Filter;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which keys a JWKS or a PEM file gives a route, and which it refuses. */
class KeyLoadingTest {

    private static final Set<JwsAlgorithm> RS_AND_ES = EnumSet.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256);

    private static JwkSet.Parsed parse(String json) throws Exception {
        return JwkSet.parse(json.getBytes(StandardCharsets.UTF_8), RS_AND_ES);
    }

    @Test
    void onlySigningKeysThatFitTheRoutesAlgorithmsAreTaken() throws Exception {
        RSAKey good = TestTokens.rsa("good");
        RSAKey encryption = new RSAKey.Builder(TestTokens.rsa("enc")).keyUse(KeyUse.ENCRYPTION).build();
        RSAKey pinnedElsewhere = new RSAKey.Builder(TestTokens.rsa("ps")).algorithm(JWSAlgorithm.PS256).build();
        ECKey p384 = TestTokens.ec("p384", Curve.P_384);
        ECKey p256 = TestTokens.ec("p256", Curve.P_256);
        String oct = new OctetSequenceKeyGenerator(256).keyID("oct").generate().toJSONString();
        JwkSet.Parsed parsed = parse("{\"keys\":[" + String.join(",", good.toPublicJWK().toJSONString(),
                encryption.toPublicJWK().toJSONString(), pinnedElsewhere.toPublicJWK().toJSONString(),
                p384.toPublicJWK().toJSONString(), p256.toPublicJWK().toJSONString(), oct,
                "{\"kty\":\"RSA\",\"kid\":\"ops\",\"key_ops\":[\"encrypt\"],\"n\":\""
                        + good.getModulus() + "\",\"e\":\"AQAB\"}",
                "{\"kty\":\"RSA\",\"kid\":\"weird-alg\",\"alg\":\"RS257\",\"n\":\"" + good.getModulus()
                        + "\",\"e\":\"AQAB\"}", "\"not a key\"") + "]}");
        assertEquals(List.of("good", "p256"), parsed.keys().stream().map(VerificationKey::kid).toList());
        assertEquals(List.of(
                "kid 'enc': use is not sig",
                "kid 'ps': fits none of the route's algorithms",
                "kid 'p384': fits none of the route's algorithms",
                "kid 'oct': kty 'oct' is not used",
                "kid 'ops': key_ops lacks verify",
                "kid 'weird-alg': alg 'RS257' is unknown",
                "kid -: not a JSON object"), parsed.skipped());
    }

    @Test
    void weakOrBrokenKeysAreSkipped() throws Exception {
        KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
        small.initialize(1024);
        RSAKey weak = new RSAKey.Builder((java.security.interfaces.RSAPublicKey) small.generateKeyPair().getPublic())
                .keyID("weak").build();
        ECKey p256 = TestTokens.ec("p256", Curve.P_256);
        String offCurve = p256.toPublicJWK().toJSONString().replace(p256.getY().toString(), p256.getX().toString());
        String evenExponent = TestTokens.rsa("e2").toPublicJWK().toJSONString().replace("\"AQAB\"", "\"Ag\"");
        JwkSet.Parsed parsed = parse("{\"keys\":[" + weak.toJSONString() + "," + offCurve + "," + evenExponent + "]}");
        assertTrue(parsed.keys().isEmpty());
        assertEquals(List.of("kid 'weak': the RSA key has 1024 bits; at least 2048 are required",
                "kid 'p256': the point is not on P-256",
                "kid 'e2': invalid key"), parsed.skipped());
    }

    @Test
    void aDocumentWithoutKeysIsNoJwks() {
        assertThrows(java.io.IOException.class, () -> parse("{\"key\":[]}"));
        assertThrows(java.io.IOException.class, () -> parse("[1]"));
        assertThrows(java.io.IOException.class, () -> parse("not json"));
    }

    private static Filter pemRoute(Path home, String pem, String algorithms) throws Exception {
        Files.writeString(home.resolve("key.pem"), pem);
        JwtConfig config = TestConfigs.valid("public_key_file: key.pem\n" + algorithms);
        return new JwtFilterFactory(new TestClock(TestTokens.NOW))
                .create(config, TestPluginContext.of(JwtFilterFactory.ID, config, home));
    }

    @Test
    void aPemKeyDecidesTheDefaultAlgorithm(@TempDir Path home) throws Exception {
        ECKey ec = TestTokens.ec("ec", Curve.P_256);
        Filter filter = pemRoute(home, TokenMatrixTest.pem(ec.toECPublicKey().getEncoded()), "");
        TestChain chain = TestChain.ok();
        filter.filter(TestExchange.builder().header("Authorization", "Bearer "
                + TestTokens.sign(JWSAlgorithm.ES256, ec, TestTokens.claims().build())).build(), chain);
        assertEquals(1, chain.calls());
    }

    @Test
    void aPemFileThatCannotServeTheAlgorithmsFailsTheRoute(@TempDir Path home) throws Exception {
        String ecPem = TokenMatrixTest.pem(TestTokens.ec("ec", Curve.P_256).toECPublicKey().getEncoded());
        IllegalArgumentException wrongFamily = assertThrows(IllegalArgumentException.class,
                () -> pemRoute(home, ecPem, "algorithms: [RS256]"));
        assertEquals("public_key_file key.pem holds an EC key on P-256, which cannot check RS256 tokens; fix "
                + "algorithms", wrongFamily.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pemRoute(home, ecPem, "algorithms: [ES384]"));

        String privateKey = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n";
        IllegalArgumentException secretFile = assertThrows(IllegalArgumentException.class,
                () -> pemRoute(home, privateKey, ""));
        assertTrue(secretFile.getMessage().contains("not a public key"), secretFile.getMessage());
        assertFalse(secretFile.getMessage().contains("MIIB"), "the file's content is never quoted");

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> {
            JwtConfig config = TestConfigs.valid("public_key_file: nowhere.pem\n");
            new JwtFilterFactory().create(config, TestPluginContext.of(JwtFilterFactory.ID, config, home));
        });
        assertTrue(missing.getMessage().contains("nowhere.pem cannot be read"), missing.getMessage());
        IllegalArgumentException device = assertThrows(IllegalArgumentException.class, () -> {
            JwtConfig config = TestConfigs.valid("public_key_file: /dev/zero\n");
            new JwtFilterFactory().create(config, TestPluginContext.of(JwtFilterFactory.ID, config, home));
        });
        assertTrue(device.getMessage().contains("not a regular file"), device.getMessage());
        java.nio.file.Files.write(home.resolve("huge.pem"), new byte[2 * 1024 * 1024]);
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class, () -> {
            JwtConfig config = TestConfigs.valid("public_key_file: huge.pem\n");
            new JwtFilterFactory().create(config, TestPluginContext.of(JwtFilterFactory.ID, config, home));
        });
        assertTrue(huge.getMessage().contains("larger than"), huge.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pemRoute(home, "hello", ""));
    }
}
