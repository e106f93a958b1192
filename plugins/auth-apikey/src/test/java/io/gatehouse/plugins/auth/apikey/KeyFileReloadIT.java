package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.core.Gateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import static io.gatehouse.plugins.auth.apikey.ApiKeyFilterTest.ALICE_KEY;
import static io.gatehouse.plugins.auth.apikey.ApiKeyFilterTest.BOB_KEY;
import static io.gatehouse.plugins.auth.apikey.KeyFileTest.CAROL_HASH;
import static io.gatehouse.plugins.auth.apikey.KeyFileTest.CAROL_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: the "api-key-file" example of docs/auth-keys.md with its key file; the file is edited while the
 * gateway serves.
 */
class KeyFileReloadIT {

    private AuthGateway gateway;
    private Path keys;

    @BeforeEach
    void start() throws Exception {
        gateway = AuthGateway.start("api-key-file", Map.of("conf/api-keys.yaml", "api-keys-file-content"));
        keys = gateway.gateway.home().resolve("conf/api-keys.yaml");
    }

    @AfterEach
    void stop() {
        gateway.assertNothingLogged(ALICE_KEY, BOB_KEY, CAROL_KEY);
        gateway.close();
    }

    private String answer(String key) throws Exception {
        var response = gateway.get("/orders/1", "X-API-Key", key);
        return response.statusCode() == 200 ? gateway.upstream.last().header("X-Consumer-Id")
                : String.valueOf(response.statusCode());
    }

    private void replaceKeys(String yaml) throws Exception {
        Path temp = keys.resolveSibling("api-keys.yaml.new");
        Files.writeString(temp, yaml);
        Files.move(temp, keys, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String entry(String hash, String consumer) {
        return "- { hash: \"" + hash + "\", consumer: " + consumer + " }\n";
    }

    @Test
    void addedKeysWorkAndRemovedKeysAreRefusedAfterTheReload() throws Exception {
        assertEquals("alice", answer(ALICE_KEY));
        assertEquals("bob", answer(BOB_KEY));
        assertEquals("401", answer(CAROL_KEY));

        String alice = Files.readAllLines(keys).stream().filter(line -> line.contains("alice")).findFirst()
                .orElseThrow();
        replaceKeys(alice + "\n" + entry(CAROL_HASH, "carol"));
        Await.value("carol", () -> answer(CAROL_KEY));
        assertEquals("401", answer(BOB_KEY), "bob's key was removed with the same reload");
        assertEquals("alice", answer(ALICE_KEY));
        assertEquals(1, gateway.log.containing("keys file conf/api-keys.yaml reloaded, now 2 keys").size());
    }

    @Test
    void anInvalidFileKeepsTheKeysAndTheLogSaysWhy() throws Exception {
        replaceKeys(entry(CAROL_HASH, "carol") + "- { hash: \"" + BOB_KEY + "\", consumer: oops }\n");
        Await.value("1", () -> String.valueOf(gateway.log.containing("not applied").size()));
        String warning = gateway.log.containing("not applied").getFirst().message();
        assertTrue(warning.contains("keys file conf/api-keys.yaml not applied, still serving the 2 keys loaded"
                + " before: [1].hash: must be \"sha256:\""), warning);
        assertEquals("bob", answer(BOB_KEY));
        assertEquals("401", answer(CAROL_KEY));

        replaceKeys(entry(CAROL_HASH, "carol"));
        Await.value("carol", () -> answer(CAROL_KEY));
        assertEquals("401", answer(BOB_KEY));
    }

    @Test
    void aConfigReloadThatLeavesTheFilterAsItWasKeepsItsKeysAndItsWatch() throws Exception {
        // while the file is invalid, the keys loaded before serve; a config reload must not read the file again
        replaceKeys("- not: a key\n");
        Await.value("1", () -> String.valueOf(gateway.log.containing("not applied").size()));
        String config = AuthGateway.config("api-key-file", gateway.upstream);
        Gateway.ReloadStatus applied = gateway.gateway.reload(config + """
                  - id: other
                    match: { path: /other }
                    upstream: orders
                """);
        assertTrue(applied.problems().isEmpty(), applied.toString());
        assertEquals(200, gateway.get("/other").statusCode(), "the new config serves");
        assertEquals("alice", answer(ALICE_KEY), "the keys were carried over, not read again");

        replaceKeys(entry(CAROL_HASH, "carol"));
        Await.value("carol", () -> answer(CAROL_KEY));
        assertEquals("401", answer(ALICE_KEY));

        // a change to the filter's own config reads the file anew, and refuses the config if it is invalid
        replaceKeys("- not: a key\n");
        Await.value("2", () -> String.valueOf(gateway.log.containing("not applied").size()));
        Gateway.ReloadStatus refused = gateway.gateway.reload(config.replace("keys_file: conf/api-keys.yaml",
                "keys_file: conf/api-keys.yaml, realm: orders"));
        assertTrue(refused.problems().toString().contains("keys file conf/api-keys.yaml: [0].not: unknown key"),
                refused.toString());
        assertEquals("carol", answer(CAROL_KEY), "the running config keeps serving");
    }
}
