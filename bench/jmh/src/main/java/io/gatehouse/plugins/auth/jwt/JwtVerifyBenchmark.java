package io.gatehouse.plugins.auth.jwt;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Filter;
import io.gatehouse.api.Response;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.config.RecordBinder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.yaml.snakeyaml.Yaml;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The cost of checking one JWT with the key already loaded (a secret, or a public key read once, as a JWKS cache
 * holds it), per algorithm: {@code verify} is {@link TokenVerifier#verify} alone (shape, header, algorithm pinning,
 * key choice, signature by java-jwt, claims: exp, iat, iss, aud, sub); {@code filter} is the whole
 * {@code filter.jwt} call on a fresh request (finding the bearer token, verifying it, recording the consumer,
 * removing the token), with a chain that answers at once. {@code jdk} is the floor: the JDK's own check of the same
 * signature ({@code Mac} or {@code Signature}), nothing else. Tokens are minted here with the JDK, RSA 2048 and
 * P-256.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class JwtVerifyBenchmark {

    private static final String SECRET = "a-benchmark-secret-that-is-long-enough-for-hs256";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    @Param({"HS256", "RS256", "ES256"})
    public String alg;

    private TokenVerifier verifier;
    private Filter filter;
    private String token;
    private String authorization;
    private PublicKey publicKey;
    private byte[] signingInput;
    private byte[] signature;
    private final Chain chain = exchange -> Response.text(200, "ok");

    /** Creates the key, the route's verifier and filter, and one token valid for a day. */
    @Setup
    public void setUp() throws Exception {
        JwsAlgorithm algorithm = JwsAlgorithm.named(alg).orElseThrow();
        Set<JwsAlgorithm> allowed = EnumSet.of(algorithm);
        Path home = Files.createTempDirectory("gatehouse-jmh-jwt");
        String keySource;
        VerificationKey key;
        PrivateKey signingKey = null;
        if (algorithm == JwsAlgorithm.HS256) {
            keySource = "secret: \"" + SECRET + "\"";
            key = VerificationKey.secret(SECRET.getBytes(StandardCharsets.UTF_8), allowed);
        } else {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm == JwsAlgorithm.RS256 ? "RSA" : "EC");
            if (algorithm == JwsAlgorithm.RS256) {
                generator.initialize(2048);
            } else {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            }
            KeyPair pair = generator.generateKeyPair();
            signingKey = pair.getPrivate();
            publicKey = pair.getPublic();
            Files.writeString(home.resolve("key.pem"), "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
            keySource = "public_key_file: key.pem";
            key = VerificationKey.publicKey(null, null, pair.getPublic(), allowed);
        }
        JwtConfig config = bind(keySource + "\nalgorithms: [" + alg + "]\nissuer: https://issuer.example/\n"
                + "audiences: [orders-api]\n");
        verifier = new TokenVerifier(allowed, new KeySource.Single(key), new ClaimChecks(config, Clock.systemUTC()));
        filter = new JwtFilterFactory().create(config, TestPluginContext.of(JwtFilterFactory.ID, config, home));
        token = mint(algorithm, signingKey);
        authorization = "Bearer " + token;
        signingInput = token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
        signature = Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
        verifier.verify(token); // fails the setup if the token is not accepted
    }

    private static JwtConfig bind(String yaml) {
        List<Problem> problems = new ArrayList<>();
        JwtConfig config = new RecordBinder().bind(new Yaml().load(yaml), JwtConfig.class, "", problems);
        if (config == null) {
            throw new IllegalStateException("invalid benchmark config: " + problems);
        }
        return config;
    }

    private static String mint(JwsAlgorithm algorithm, PrivateKey key) throws Exception {
        long now = Instant.now().getEpochSecond();
        String input = b64("{\"alg\":\"" + algorithm + "\",\"typ\":\"JWT\",\"kid\":\"bench-1\"}") + "."
                + b64("{\"sub\":\"alice\",\"iss\":\"https://issuer.example/\",\"aud\":\"orders-api\",\"iat\":" + now
                + ",\"exp\":" + (now + 86_400) + ",\"scope\":\"orders.read orders.write\"}");
        byte[] data = input.getBytes(StandardCharsets.US_ASCII);
        byte[] signature;
        if (algorithm == JwsAlgorithm.HS256) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            signature = mac.doFinal(data);
        } else {
            Signature signer = Signature.getInstance(algorithm == JwsAlgorithm.RS256 ? "SHA256withRSA"
                    : "SHA256withECDSAinP1363Format");
            signer.initSign(key);
            signer.update(data);
            signature = signer.sign();
        }
        return input + "." + B64.encodeToString(signature);
    }

    private static String b64(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** @return the verified claims */
    @Benchmark
    public Object verify() throws Exception {
        return verifier.verify(token);
    }

    /** @return whether the JDK finds the signature valid, checked the way a bare JDK caller would */
    @Benchmark
    public boolean jdk() throws Exception {
        if (publicKey == null) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return MessageDigest.isEqual(mac.doFinal(signingInput), signature);
        }
        Signature verifier = Signature.getInstance(publicKey.getAlgorithm().equals("RSA") ? "SHA256withRSA"
                : "SHA256withECDSAinP1363Format");
        verifier.initVerify(publicKey);
        verifier.update(signingInput);
        return verifier.verify(signature);
    }

    /** @return the response of the chain, after the filter admitted the request */
    @Benchmark
    public Response filter() throws Exception {
        return filter.filter(TestExchange.builder().path("/orders/1").header("Authorization", authorization).build(),
                chain);
    }
}
