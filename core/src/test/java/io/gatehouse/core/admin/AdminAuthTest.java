package io.gatehouse.core.admin;

import io.gatehouse.core.config.AdminConfig.AdminToken;
import io.gatehouse.core.config.AdminConfig.AdminToken.Access;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token matching: by digest, every token compared, the bearer scheme parsed strictly. */
class AdminAuthTest {

    private static final String OPS = "0b8c051a831a3a2a2069afa27523de877b80883d";
    private static final String VIEWER = "85f9853801eaa58930e389153b97733f85c46745608";
    private final AdminAuth auth = new AdminAuth(List.of(new AdminToken("ops", OPS, Access.READ_WRITE),
            new AdminToken("viewer", VIEWER, Access.READ_ONLY)));

    @Test
    void theRightTokenNamesItsHolder() {
        assertEquals(new AdminAuth.Caller("ops", Access.READ_WRITE), auth.authenticate("Bearer " + OPS));
        assertEquals(new AdminAuth.Caller("viewer", Access.READ_ONLY), auth.authenticate("bearer  " + VIEWER));
        assertTrue(auth.authenticate("Bearer " + OPS).mayWrite());
        assertFalse(auth.authenticate("Bearer " + VIEWER).mayWrite());
    }

    @Test
    void anythingElseIsNobody() {
        for (String header : new String[] {null, "", "Bearer", "Bearer ", "Basic " + OPS, OPS, "Bearer " + OPS + "x",
                "Bearer " + OPS.substring(1), "Bearer " + OPS.toUpperCase(), "Bearer " + VIEWER + " " + OPS}) {
            assertNull(auth.authenticate(header), String.valueOf(header));
        }
    }

    @Test
    void onlyDigestsOfEqualLengthAreKeptAndCompared() throws Exception {
        Field field = AdminAuth.class.getDeclaredField("tokens");
        field.setAccessible(true);
        List<?> entries = (List<?>) field.get(auth);
        assertEquals(2, entries.size());
        for (Object entry : entries) {
            byte[] digest = (byte[]) entry.getClass().getRecordComponents()[1].getAccessor().invoke(entry);
            assertEquals(32, digest.length, "a SHA-256 digest, whatever the token's length");
            assertFalse(new String(digest, java.nio.charset.StandardCharsets.ISO_8859_1).contains(OPS));
        }
        assertEquals(2, entries.getFirst().getClass().getRecordComponents().length, "a caller and a digest only");
    }

    @Test
    void withNoTokenEveryoneIsTheAnonymousWriter() {
        AdminAuth open = new AdminAuth(List.of());
        assertTrue(open.open());
        assertSame(AdminAuth.ANONYMOUS, open.authenticate(null));
        assertEquals("-", open.authenticate("Bearer whatever").name());
    }

    @Test
    void tokensDoNotShowInToString() {
        assertFalse(new AdminToken("ops", OPS, Access.READ_WRITE).toString().contains(OPS));
        assertFalse(new io.gatehouse.core.config.AdminConfig("127.0.0.1", 0, OPS).toString().contains(OPS));
    }
}
