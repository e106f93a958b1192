package io.gatehouse.plugins.auth.jwt;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Config of {@code filter.jwt}. Exactly one key source: {@code secret}, {@code public_key_file} or {@code jwks_url}.
 *
 * <pre>{@code
 * - jwt:
 *     jwks_url: https://idp.example/.well-known/jwks.json
 *     algorithms: [RS256, ES256]
 *     issuer: https://idp.example/
 *     audiences: [orders-api]
 *     scopes: [orders.read]
 * }</pre>
 *
 * @param secret             an HMAC secret (HS256/384/512), usually {@code ${JWT_SECRET}}; its UTF-8 bytes, or the
 *                           bytes it encodes when {@code secret_base64}; at least as long as the hash (32 bytes for
 *                           HS256, 48 for HS384, 64 for HS512); default: none
 * @param secretBase64       whether {@code secret} is base64 or base64url text of the key bytes; default {@code false}
 * @param publicKeyFile      a PEM file with the RSA or EC public key ({@code BEGIN PUBLIC KEY} or
 *                           {@code BEGIN CERTIFICATE}), relative to the gateway home; default: none
 * @param jwksUrl            an http(s) URL of a JSON Web Key Set; default: none
 * @param algorithms         the {@code alg} values accepted; required with {@code jwks_url}; default {@code [HS256]}
 *                           with a secret, the key's own family with a PEM file ({@code RS256} for an RSA key, the
 *                           curve's {@code ES256}/{@code ES384}/{@code ES512} for an EC key)
 * @param refreshInterval    how often the JWKS is fetched again in the background; default {@code 5m}
 * @param minRefreshInterval the least time between two fetches of the JWKS caused by tokens naming an unknown
 *                           {@code kid}, and between retries while no key set could be fetched; default {@code 30s}
 * @param fetchTimeout       how long one JWKS fetch may take, connecting included; default {@code 5s}
 * @param issuer             the {@code iss} the token must carry, compared exactly; default: not checked
 * @param audiences          the token's {@code aud} must hold one of these; default: not checked
 * @param leeway             clock skew allowed on {@code exp}, {@code nbf} and {@code iat}; default {@code 30s}
 * @param requiredClaims     claims the token must carry; default {@code [exp]} (give {@code []} to accept tokens
 *                           that never expire)
 * @param claims             claims the token must carry with exactly these values (a string, number or boolean; an
 *                           array claim must hold the value); default: none
 * @param scopes             scopes the token must grant, all of them, or the answer is 403; default: none
 * @param scopeClaim         the claim holding the scopes, space-separated or an array; default {@code scope}
 * @param consumerClaim      the claim naming the consumer; default {@code sub}
 * @param groupsClaim        the claim holding the consumer's groups (an array of strings, or one string);
 *                           default: none (no groups)
 * @param forwardClaims      claims sent to the upstream as request headers, claim name to header name; default: none
 * @param cookie             also take the token from this cookie; default: only the {@code Authorization} header
 * @param queryParam         also take the token from this query parameter; default: only the {@code Authorization}
 *                           header
 * @param keepCredential     send the token on to the upstream (the {@code Authorization} header, the cookie or the
 *                           query parameter it came in); default {@code false}: removed
 * @param realm              the {@code realm} of the {@code WWW-Authenticate} challenge; default {@code gatehouse}
 * @param anonymous          the consumer id to admit a request without a token as; default: none (such a request
 *                           is refused with 401 unless another authentication filter of the route identifies it)
 * @param cacheTtl           how long a token whose signature was verified is remembered, so that its next requests
 *                           skip the signature check (its claims, {@code exp} first, are checked on every request);
 *                           also how long a token signed by a key since removed from the JWKS keeps passing;
 *                           default {@code 60s}, {@code 0s} turns the cache off
 * @param cacheSize          how many verified tokens are remembered at most; default {@code 10000}, {@code 0} turns
 *                           the cache off
 */
public record JwtConfig(String secret, boolean secretBase64, String publicKeyFile, String jwksUrl,
                        List<String> algorithms, Duration refreshInterval, Duration minRefreshInterval,
                        Duration fetchTimeout, String issuer, List<String> audiences, Duration leeway,
                        List<String> requiredClaims, Map<String, Object> claims, List<String> scopes,
                        String scopeClaim, String consumerClaim, String groupsClaim,
                        Map<String, String> forwardClaims, String cookie, String queryParam, boolean keepCredential,
                        String realm, String anonymous, Duration cacheTtl, Integer cacheSize) {

    static final Duration DEFAULT_MIN_REFRESH = Duration.ofSeconds(30);

    /** Applies the defaults; keeps the config's order of maps. */
    public JwtConfig {
        algorithms = algorithms == null ? List.of() : algorithms;
        refreshInterval = refreshInterval == null ? Duration.ofMinutes(5) : refreshInterval;
        minRefreshInterval = minRefreshInterval == null ? DEFAULT_MIN_REFRESH : minRefreshInterval;
        fetchTimeout = fetchTimeout == null ? Duration.ofSeconds(5) : fetchTimeout;
        audiences = audiences == null ? List.of() : audiences;
        leeway = leeway == null ? Duration.ofSeconds(30) : leeway;
        requiredClaims = requiredClaims == null ? List.of("exp") : requiredClaims;
        claims = claims == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(claims));
        scopes = scopes == null ? List.of() : scopes;
        scopeClaim = scopeClaim == null ? "scope" : scopeClaim;
        consumerClaim = consumerClaim == null ? "sub" : consumerClaim;
        forwardClaims = forwardClaims == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(forwardClaims));
        realm = realm == null ? "gatehouse" : realm;
        cacheTtl = cacheTtl == null ? Duration.ofSeconds(60) : cacheTtl;
        cacheSize = cacheSize == null ? 10_000 : cacheSize;
    }
}
