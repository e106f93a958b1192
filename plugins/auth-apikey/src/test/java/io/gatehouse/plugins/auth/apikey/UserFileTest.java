package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.api.Filter;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.gatehouse.plugins.auth.apikey.BasicAuthFilterTest.ALICE_BCRYPT;
import static io.gatehouse.plugins.auth.apikey.BasicAuthFilterTest.BOB_BCRYPT;
import static io.gatehouse.plugins.auth.apikey.BasicCredentialsTest.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** users_file: a removed user or a changed password is refused after the reload, cached verifications or not. */
class UserFileTest {

    @TempDir
    Path home;
    private TestPluginContext context;

    @AfterEach
    void release() throws Exception {
        context.drained();
    }

    private static String user(String name, String hash) {
        return "- { username: " + name + ", password_hash: \"" + hash + "\", groups: [ops] }\n";
    }

    private static String consumerOf(Filter filter, String credentials) throws Exception {
        return Outcome.of(filter, TestExchange.builder().header("Authorization", basic(credentials)).build());
    }

    @Test
    void removedUsersAndChangedPasswordsAreRefusedAfterTheReload() throws Exception {
        Path file = home.resolve("users.yaml");
        Files.writeString(file, user("alice", ALICE_BCRYPT) + user("bob", BOB_BCRYPT));
        BasicAuthConfig config = new BasicAuthConfig(null, null, "users.yaml", null, false, null, null);
        context = TestPluginContext.of(BasicAuthFilterFactory.ID, config, home);
        Filter filter = new BasicAuthFilterFactory().create(config, context);
        assertEquals("alice", consumerOf(filter, "alice:correct horse battery staple"));
        assertEquals("bob", consumerOf(filter, "bob:s3cret:with:colons"));
        PasswordCheck cache = (PasswordCheck) context.states().get(0);
        assertEquals(2, cache.remembered());

        // bob leaves; alice's password hash becomes bob's old one
        Files.writeString(file, user("alice", BOB_BCRYPT));
        Await.value("401 invalid_credentials", () -> consumerOf(filter, "bob:s3cret:with:colons"));
        assertEquals("401 invalid_credentials", consumerOf(filter, "alice:correct horse battery staple"),
                "the old password no longer works although it was remembered");
        assertEquals("alice", consumerOf(filter, "alice:s3cret:with:colons"));
        assertTrue(cache.remembered() <= 1, "the reload forgot what was verified before");
    }

    @Test
    void groupsComeFromTheFile() throws Exception {
        Files.writeString(home.resolve("users.yaml"), user("alice", ALICE_BCRYPT));
        BasicAuthConfig config = new BasicAuthConfig(null, List.of(new BasicAuthConfig.User("bob", BOB_BCRYPT,
                null)), "users.yaml", null, false, null, null);
        context = TestPluginContext.of(BasicAuthFilterFactory.ID, config, home);
        Filter filter = new BasicAuthFilterFactory().create(config, context);
        TestExchange exchange = TestExchange.builder()
                .header("Authorization", basic("alice:correct horse battery staple")).build();
        filter.filter(exchange, TestChain.ok());
        assertEquals(List.of("ops"), exchange.authenticated().orElseThrow().groups());
        assertEquals("bob", consumerOf(filter, "bob:s3cret:with:colons"));
    }
}
