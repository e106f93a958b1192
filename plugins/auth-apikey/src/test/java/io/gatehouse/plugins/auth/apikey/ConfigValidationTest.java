package io.gatehouse.plugins.auth.apikey;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.gatehouse.plugins.auth.apikey.ApiKeyFilterTest.ALICE_HASH;
import static io.gatehouse.plugins.auth.apikey.ApiKeyFilterTest.BOB_HASH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Every config problem of both filters, reported with its exact path, and never with a secret. */
class ConfigValidationTest {

    static final String ALICE_BCRYPT = BasicAuthFilterTest.ALICE_BCRYPT;

    record Case(String desc, Record config, List<String> paths) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static ApiKeyConfig keys(ApiKeyConfig.Key... keys) {
        return new ApiKeyConfig(null, null, Arrays.asList(keys), null, null, null, false);
    }

    static ApiKeyConfig.Key key(String hash, String consumer, String... groups) {
        return new ApiKeyConfig.Key(hash, consumer, Arrays.asList(groups));
    }

    static BasicAuthConfig users(BasicAuthConfig.User... users) {
        return new BasicAuthConfig(null, Arrays.asList(users), null, null, false, null, null);
    }

    static BasicAuthConfig.User user(String name, String hash, String... groups) {
        return new BasicAuthConfig.User(name, hash, Arrays.asList(groups));
    }

    static Stream<Case> cases() {
        String hex = ALICE_HASH.substring(7);
        return Stream.of(
                new Case("valid keys", keys(key(ALICE_HASH, "alice", "a"), key(BOB_HASH, "bob")), List.of()),
                new Case("hex in upper case", keys(key("sha256:" + hex.toUpperCase(), "alice")), List.of()),
                new Case("no keys at all", keys(), List.of("")),
                new Case("only a keys file", new ApiKeyConfig(null, null, null, "conf/k.yaml", null, null, false),
                        List.of()),
                new Case("blank keys file", new ApiKeyConfig(null, null, null, " ", null, null, false),
                        List.of("keys_file")),
                new Case("no prefix", keys(key(hex, "alice")), List.of("keys[0].hash")),
                new Case("another algorithm", keys(key("sha512:" + hex, "alice")), List.of("keys[0].hash")),
                new Case("prefix in upper case", keys(key("SHA256:" + hex, "alice")), List.of("keys[0].hash")),
                new Case("63 digits", keys(key("sha256:" + hex.substring(1), "alice")), List.of("keys[0].hash")),
                new Case("65 digits", keys(key(ALICE_HASH + "0", "alice")), List.of("keys[0].hash")),
                new Case("not hex", keys(key("sha256:" + "g" + hex.substring(1), "alice")), List.of("keys[0].hash")),
                new Case("a raw key where the hash belongs", keys(key("ak_alice_7Qm2Zr9XvWp3", "alice")),
                        List.of("keys[0].hash")),
                new Case("the same key twice", keys(key(ALICE_HASH, "alice"), key(BOB_HASH, "bob"),
                        key("sha256:" + hex.toUpperCase(), "mallory")), List.of("keys[2].hash")),
                new Case("a null key", keys(key(ALICE_HASH, "alice"), null), List.of("keys[1]")),
                new Case("blank consumer", keys(key(ALICE_HASH, " ")), List.of("keys[0].consumer")),
                new Case("consumer with a line break", keys(key(ALICE_HASH, "a\nb")), List.of("keys[0].consumer")),
                new Case("consumer not ASCII", keys(key(ALICE_HASH, "李四")), List.of("keys[0].consumer")),
                new Case("consumer with surrounding space", keys(key(ALICE_HASH, " alice")),
                        List.of("keys[0].consumer")),
                new Case("group with a comma", keys(key(ALICE_HASH, "alice", "ok", "a,b")),
                        List.of("keys[0].groups[1]")),
                new Case("blank group", keys(key(ALICE_HASH, "alice", "")), List.of("keys[0].groups[0]")),
                new Case("null group", keys(key(ALICE_HASH, "alice", (String) null)), List.of("keys[0].groups[0]")),
                new Case("header not a token", new ApiKeyConfig("X Key", null, List.of(key(ALICE_HASH, "a")), null,
                        null, null, false), List.of("header")),
                new Case("header the gateway removes", new ApiKeyConfig("x-consumer-key", null,
                        List.of(key(ALICE_HASH, "a")), null, null, null, false), List.of("header")),
                new Case("blank query parameter", new ApiKeyConfig(null, "", List.of(key(ALICE_HASH, "a")), null,
                        null, null, false), List.of("query_param")),
                new Case("blank anonymous", new ApiKeyConfig(null, null, List.of(key(ALICE_HASH, "a")), null, " ",
                        null, false), List.of("anonymous")),
                new Case("realm with a quote", new ApiKeyConfig(null, null, List.of(key(ALICE_HASH, "a")), null,
                        null, "my \"api\"", false), List.of("realm")),
                new Case("empty realm", new ApiKeyConfig(null, null, List.of(key(ALICE_HASH, "a")), null, null, "",
                        false), List.of("realm")),

                new Case("valid users", users(user("alice", ALICE_BCRYPT, "admins"),
                        user("bob", ALICE_BCRYPT.replace("$2y$", "$2b$")),
                        user("carol", ALICE_BCRYPT.replace("$2y$", "$2a$"))), List.of()),
                new Case("no users at all", users(), List.of("")),
                new Case("only a users file", new BasicAuthConfig(null, null, "conf/u.yaml", null, false, null,
                        null), List.of()),
                new Case("a plain password where the hash belongs", users(user("alice", "correct horse")),
                        List.of("users[0].password_hash")),
                new Case("$2x$ hash", users(user("alice", ALICE_BCRYPT.replace("$2y$", "$2x$"))),
                        List.of("users[0].password_hash")),
                new Case("a SHA-1 htpasswd hash", users(user("alice", "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=")),
                        List.of("users[0].password_hash")),
                new Case("cost 03", users(user("alice", ALICE_BCRYPT.replace("$05$", "$03$"))),
                        List.of("users[0].password_hash")),
                new Case("truncated hash", users(user("alice", ALICE_BCRYPT.substring(0, 59))),
                        List.of("users[0].password_hash")),
                new Case("user name with a colon", users(user("al:ice", ALICE_BCRYPT)), List.of("users[0].username")),
                new Case("user name not ASCII", users(user("jürgen", ALICE_BCRYPT)), List.of("users[0].username")),
                new Case("the same user twice", users(user("alice", ALICE_BCRYPT), user("alice", ALICE_BCRYPT)),
                        List.of("users[1].username")),
                new Case("negative cache", new BasicAuthConfig(null, List.of(user("a", ALICE_BCRYPT)), null, null,
                        false, Duration.ofSeconds(-1), -1), List.of("cache_ttl", "cache_size")),
                new Case("realm with a backslash", new BasicAuthConfig("a\\b", List.of(user("a", ALICE_BCRYPT)),
                        null, null, false, null, null), List.of("realm")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void problemsAreReportedAtTheirPaths(Case c) {
        RecordedProblems problems = new RecordedProblems();
        if (c.config() instanceof ApiKeyConfig config) {
            new ApiKeyFilterFactory().validate(config, problems);
        } else {
            new BasicAuthFilterFactory().validate((BasicAuthConfig) c.config(), problems);
        }
        assertEquals(c.paths(), problems.paths(), problems.lines().toString());
        for (String line : problems.lines()) {
            assertFalse(line.contains("ak_alice") || line.contains("correct horse") || line.contains(hexOf()),
                    "a problem must not repeat a value that may be secret: " + line);
        }
    }

    private static String hexOf() {
        return ALICE_HASH.substring(7, 30);
    }
}
