package io.gatehouse.plugins.auth.jwt;

import io.gatehouse.api.Doc;

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
public record JwtConfig(
        @Doc("an HMAC secret (HS256/384/512), usually ${JWT_SECRET}; at least 32 bytes for HS256, 48 for HS384, "
                + "64 for HS512; one key source of three") String secret,
        @Doc("whether secret is base64 or base64url text of the key bytes") boolean secretBase64,
        @Doc("a PEM file with the RSA or EC public key, relative to the gateway home; one key source of three")
        String publicKeyFile,
        @Doc("an http(s) URL of a JSON Web Key Set; one key source of three") String jwksUrl,
        @Doc("the alg values accepted; required with jwks_url; default HS256 with a secret, the key's own family "
                + "with a PEM file") List<String> algorithms,
        @Doc("how often the JWKS is fetched again in the background") Duration refreshInterval,
        @Doc("the least time between two JWKS fetches caused by an unknown kid, and between retries")
        Duration minRefreshInterval,
        @Doc("how long one JWKS fetch may take, connecting included") Duration fetchTimeout,
        @Doc("the iss the token must carry, compared exactly; default: not checked") String issuer,
        @Doc("the token's aud must hold one of these; default: not checked") List<String> audiences,
        @Doc("clock skew allowed on exp, nbf and iat") Duration leeway,
        @Doc("claims the token must carry; [] accepts tokens that never expire") List<String> requiredClaims,
        @Doc("claims the token must carry with exactly these values") Map<String, Object> claims,
        @Doc("scopes the token must grant, all of them, or the answer is 403") List<String> scopes,
        @Doc("the claim holding the scopes, space-separated or an array") String scopeClaim,
        @Doc("the claim naming the consumer") String consumerClaim,
        @Doc("the claim holding the consumer's groups; default: no groups") String groupsClaim,
        @Doc("claims sent to the upstream as request headers, claim name to header name")
        Map<String, String> forwardClaims,
        @Doc("also take the token from this cookie; default: only the Authorization header") String cookie,
        @Doc("also take the token from this query parameter; default: only the Authorization header")
        String queryParam,
        @Doc("send the token on to the upstream; default: removed") boolean keepCredential,
        @Doc("the realm of the WWW-Authenticate challenge") String realm,
        @Doc("the consumer id to admit a request without a token as; default: refused with 401") String anonymous,
        @Doc("how long a verified token is remembered (its claims are checked on every request); 0s: no cache")
        Duration cacheTtl,
        @Doc("how many verified tokens are remembered at most; 0: no cache") Integer cacheSize) {

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
