package io.gatehouse.plugins.auth.jwt;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import org.pf4j.Extension;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code filter.jwt}: authenticates requests by a JSON Web Token signed with an HMAC secret, a PEM public key or a
 * key from a JWKS. See {@link JwtConfig} for the keys and {@code docs/auth-jwt.md} for the behaviour.
 */
@Extension
public final class JwtFilterFactory implements FilterFactory<JwtConfig> {

    static final String ID = "filter.jwt";

    private final Clock clock;

    /** The factory the gateway loads: time from the system clock. */
    public JwtFilterFactory() {
        this(Clock.systemUTC());
    }

    /** @param clock the time {@code exp}, {@code nbf} and {@code iat} are checked against, and JWKS fetches are spaced by */
    JwtFilterFactory(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Class<JwtConfig> configType() {
        return JwtConfig.class;
    }

    @Override
    public void validate(JwtConfig config, Problems problems) {
        JwtConfigCheck.validate(config, problems);
    }

    @Override
    public Filter create(JwtConfig config, PluginContext context) throws Exception {
        Set<JwsAlgorithm> allowed = JwtConfigCheck.algorithms(config.algorithms());
        KeySource keys;
        if (config.secret() != null) {
            if (allowed.isEmpty()) {
                allowed = EnumSet.of(JwsAlgorithm.HS256);
            }
            keys = new KeySource.Single(VerificationKey.secret(secretBytes(config), allowed));
        } else if (config.publicKeyFile() != null) {
            PublicKey key = PemKeyFile.read(context.home().resolve(config.publicKeyFile()));
            if (allowed.isEmpty()) {
                allowed = EnumSet.of(defaultAlgorithm(key));
            }
            VerificationKey verificationKey = VerificationKey.publicKey(null, null, key, allowed);
            for (JwsAlgorithm algorithm : allowed) {
                if (!verificationKey.fits(algorithm)) {
                    throw new IllegalArgumentException("public_key_file " + config.publicKeyFile() + " holds "
                            + describe(key) + ", which cannot check " + algorithm + " tokens; fix algorithms");
                }
            }
            keys = new KeySource.Single(verificationKey);
        } else {
            Set<JwsAlgorithm> jwksAlgorithms = allowed;
            JwksCache cache = context.state("jwks", () ->
                    JwksCache.start(URI.create(config.jwksUrl()), config, jwksAlgorithms, clock, context.logger()));
            keys = new JwksKeySource(cache);
        }
        ClaimChecks claims = new ClaimChecks(config, clock);
        VerifiedTokens tokens = new VerifiedTokens(new TokenVerifier(allowed, keys, claims), claims, config.cacheTtl(),
                config.cacheSize(), clock);
        return new JwtFilter(config, tokens, keys, claims, context.logger());
    }

    /** @return the key bytes of {@code secret}: its UTF-8 bytes, or what it encodes with {@code secret_base64} */
    static byte[] secretBytes(JwtConfig config) {
        if (!config.secretBase64()) {
            return config.secret().getBytes(StandardCharsets.UTF_8);
        }
        String urlSafe = config.secret().strip().replace('+', '-').replace('/', '_').replace("=", "");
        return Base64.getUrlDecoder().decode(urlSafe);
    }

    private static JwsAlgorithm defaultAlgorithm(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            EcCurve curve = EcCurve.of(ec).orElse(EcCurve.P256);
            return List.of(JwsAlgorithm.ES256, JwsAlgorithm.ES384, JwsAlgorithm.ES512).stream()
                    .filter(a -> a.curve() == curve).findFirst().orElseThrow();
        }
        return JwsAlgorithm.RS256;
    }

    private static String describe(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            return EcCurve.of(ec).map(curve -> "an EC key on " + curve.jwkName()).orElse("an EC key");
        }
        return "an RSA key";
    }
}
