package io.gatehouse.core.admin;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which config values {@code GET /config} redacts. */
class ConfigViewTest {

    @ParameterizedTest
    @CsvSource({
            "secret, true", "client_secret, true", "token, true", "tokens, true", "api_token, true",
            "password, true", "db_password, true", "passwd, true", "credentials, true", "api_key, true",
            "apikey, true", "private_key, true", "authorization, true", "hash, true", "password_hash, true",
            "key, false", "keys, false", "name, false", "path, false", "hash_on, false", "consumer, false",
            "url, false"})
    void secretKeys(String key, boolean secret) {
        assertEquals(secret, ConfigView.secretKey(key), key);
    }

    @Test
    void listsUnderASecretKeyAreRedactedMapsJudgedKeyByKey() {
        String yaml = """
                admin: { tokens: [ { name: ops, token: t1 } ] }
                x:
                  api_keys: [ k1, k2 ]
                  keys: [ { hash: "sha256:abc", consumer: alice } ]
                  url: "http://bob:pw@host:1/p"
                  plain: "http://host/p"
                  env: "${A}-suffix"
                  literal: "$${A}"
                """;
        Object view = new ConfigView(() -> yaml, "f", Map.of("A", "from-env")).redacted();
        assertEquals(Map.of(
                "admin", Map.of("tokens", java.util.List.of(Map.of("name", "ops", "token", "<redacted>"))),
                "x", Map.of(
                        "api_keys", java.util.List.of("<redacted>", "<redacted>"),
                        "keys", java.util.List.of(Map.of("hash", "<redacted>", "consumer", "alice")),
                        "url", "http://<redacted>@host:1/p",
                        "plain", "http://host/p",
                        "env", "<redacted>",
                        "literal", "${A}")), view);
    }
}
