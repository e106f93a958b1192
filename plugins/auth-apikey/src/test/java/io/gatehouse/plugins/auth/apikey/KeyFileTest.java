package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.api.Filter;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import io.gatehouse.core.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.logging.Level;

import static io.gatehouse.plugins.auth.apikey.ApiKeyFilterTest.ALICE_HASH;
import static io.gatehouse.plugins.auth.apikey.ApiKeyFilterTest.ALICE_KEY;
import static io.gatehouse.plugins.auth.apikey.ApiKeyFilterTest.BOB_HASH;
import static io.gatehouse.plugins.auth.apikey.ApiKeyFilterTest.BOB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** keys_file: loaded with the inline keys, reloaded on change, an invalid file keeps the keys in use. */
class KeyFileTest {

    static final String CAROL_KEY = "ak_carol_Fh3kS9pZ1wQb";
    static final String CAROL_HASH = "sha256:601eabde68f41e1f00e2f3841d36f945fa5770b6dd8849c386f3cd319c34bd58";

    @TempDir
    Path home;
    private LogCapture log;
    private TestPluginContext context;

    @BeforeEach
    void capture() {
        log = LogCapture.of("gatehouse");
    }

    @AfterEach
    void release() throws Exception {
        log.close();
        if (context != null) {
            context.drained();
        }
    }

    private ApiKeyConfig config() {
        return new ApiKeyConfig(null, null, List.of(new ApiKeyConfig.Key(ALICE_HASH, "alice", null)),
                "conf/keys.yaml", null, null, false);
    }

    private Filter filter(ApiKeyConfig config) throws Exception {
        context = TestPluginContext.of(ApiKeyFilterFactory.ID, config, home);
        return new ApiKeyFilterFactory().create(config, context);
    }

    @SuppressWarnings("unchecked")
    private EntrySource<ApiKeyConfig.Key, ApiKeys.Table> source() {
        return (EntrySource<ApiKeyConfig.Key, ApiKeys.Table>) context.states().getFirst();
    }

    private void write(String yaml) throws IOException {
        Path conf = Files.createDirectories(home.resolve("conf"));
        Path temp = conf.resolve("keys.yaml.tmp");
        Files.writeString(temp, yaml);
        Files.move(temp, conf.resolve("keys.yaml"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private static String entry(String hash, String consumer) {
        return "- { hash: \"" + hash + "\", consumer: " + consumer + " }\n";
    }

    private static String consumerOf(Filter filter, String key) throws Exception {
        return Outcome.of(filter, TestExchange.builder().header("X-API-Key", key).build());
    }

    /** The filter of {@link #config()} with bob's key in the file. */
    private Filter filterWithBobInTheFile() throws Exception {
        write(entry(BOB_HASH, "bob"));
        return filter(config());
    }

    @Test
    void theFileAddsToTheInlineKeys() throws Exception {
        Filter filter = filterWithBobInTheFile();
        assertEquals("alice", consumerOf(filter, ALICE_KEY));
        assertEquals("bob", consumerOf(filter, BOB_KEY));
        assertEquals("401 invalid_api_key", consumerOf(filter, CAROL_KEY));
    }

    @Test
    void aReloadAddsAndRemovesKeys() throws Exception {
        Filter filter = filterWithBobInTheFile();
        write(entry(CAROL_HASH, "carol"));
        source().reload();
        assertEquals("carol", consumerOf(filter, CAROL_KEY));
        assertEquals("401 invalid_api_key", consumerOf(filter, BOB_KEY), "bob's key was removed");
        assertEquals("alice", consumerOf(filter, ALICE_KEY), "inline keys stay");
        assertEquals(1, log.containing("keys file conf/keys.yaml reloaded, now 2 keys").size(), log.lines().toString());
    }

    @Test
    void anEmptyFileRemovesEveryKeyOfTheFile() throws Exception {
        Filter filter = filterWithBobInTheFile();
        write("# revoked\n");
        source().reload();
        assertEquals("401 invalid_api_key", consumerOf(filter, BOB_KEY));
        assertEquals("alice", consumerOf(filter, ALICE_KEY));
    }

    @Test
    void anInvalidFileKeepsTheKeysInUseAndSaysWhyOnce() throws Exception {
        Filter filter = filterWithBobInTheFile();
        write(entry(CAROL_HASH, "carol") + "- { hash: \"" + CAROL_KEY + "\", consumer: carol2 }\n");
        source().reload();
        source().reload(); // the same content again: nothing new to say
        assertEquals("bob", consumerOf(filter, BOB_KEY));
        assertEquals("401 invalid_api_key", consumerOf(filter, CAROL_KEY));
        List<LogCapture.Line> warnings = log.containing("not applied");
        assertEquals(1, warnings.size(), log.lines().toString());
        assertEquals(Level.WARNING, warnings.getFirst().level());
        assertTrue(warnings.getFirst().message().contains("keys file conf/keys.yaml not applied, still serving the"
                + " 2 keys loaded before: [1].hash: must be \"sha256:\""), warnings.getFirst().message());
        assertFalse(warnings.getFirst().message().contains(CAROL_KEY), "a pasted key is not repeated");

        write(entry(CAROL_HASH, "carol"));
        source().reload();
        assertEquals("carol", consumerOf(filter, CAROL_KEY));
        assertEquals("401 invalid_api_key", consumerOf(filter, BOB_KEY));
    }

    @Test
    void aMissingFileOrAKeyTwiceKeepsTheKeysInUse() throws Exception {
        Filter filter = filterWithBobInTheFile();
        Files.delete(home.resolve("conf/keys.yaml"));
        source().reload();
        assertEquals("bob", consumerOf(filter, BOB_KEY));
        assertEquals(1, log.containing("not applied, still serving the 2 keys loaded before: no such file").size(),
                log.lines().toString());

        write(entry(CAROL_HASH, "carol") + entry(ALICE_HASH.toUpperCase().replace("SHA256", "sha256"), "mallory"));
        source().reload();
        assertEquals("alice", consumerOf(filter, ALICE_KEY));
        assertEquals("bob", consumerOf(filter, BOB_KEY));
        assertEquals(1, log.containing("[1].hash: the same key as keys[0]").size(), log.lines().toString());
    }

    @Test
    void anInvalidFileAtStartFailsTheFilterWithEveryProblem() throws Exception {
        write("- { hash: nope, consumer: a }\n- { consumer: b, extra: 1 }\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> filter(config()));
        assertEquals("keys file conf/keys.yaml: [0].hash: must be \"sha256:\" followed by the 64 hex digits of the"
                + " key's SHA-256, as bin/gatehouse hash-key prints it (the value is not shown); [1].extra: unknown"
                + " key (known keys: hash, consumer, groups); [1].hash: required", e.getMessage());
        context = null;
    }

    @Test
    void aMissingFileAtStartFailsTheFilter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> filter(config()));
        assertTrue(e.getMessage().startsWith("keys file conf/keys.yaml: no such file: "), e.getMessage());
        context = null;
    }

    @Test
    void theWatchSeesAnEditWithoutHelp() throws Exception {
        Filter filter = filterWithBobInTheFile();
        write(entry(CAROL_HASH, "carol"));
        awaitConsumer(filter, CAROL_KEY, "carol");
        awaitConsumer(filter, BOB_KEY, "401 invalid_api_key");
        // an edit in place (no rename) too
        Files.writeString(home.resolve("conf/keys.yaml"), entry(BOB_HASH, "bob2"));
        awaitConsumer(filter, BOB_KEY, "bob2");
    }

    @Test
    void aConfigReloadThatLeavesTheFilterUnchangedKeepsTheKeysAndTheWatch() throws Exception {
        write(entry(BOB_HASH, "bob"));
        ApiKeyConfig config = config();
        filter(config);
        TestPluginContext first = context;
        var firstSource = source();
        TestPluginContext second = first.reload(config);
        Filter next = new ApiKeyFilterFactory().create(config, second);
        assertSame(firstSource, second.states().getFirst());
        first.drained();
        context = second;
        write(entry(CAROL_HASH, "carol"));
        awaitConsumer(next, CAROL_KEY, "carol");
    }

    @Test
    void twoFiltersOnOneFolderAreEachTold() throws Exception {
        Filter one = filterWithBobInTheFile();
        TestPluginContext other = TestPluginContext.of(ApiKeyFilterFactory.ID, config(), home);
        Filter two = new ApiKeyFilterFactory().create(config(), other);
        try {
            write(entry(CAROL_HASH, "carol"));
            awaitConsumer(one, CAROL_KEY, "carol");
            awaitConsumer(two, CAROL_KEY, "carol");
        } finally {
            other.drained();
        }
        // the first one's watch outlives the second's
        write(entry(BOB_HASH, "bob3"));
        awaitConsumer(one, BOB_KEY, "bob3");
    }

    private static void awaitConsumer(Filter filter, String key, String expected) throws Exception {
        Await.value(expected, () -> consumerOf(filter, key));
    }
}
