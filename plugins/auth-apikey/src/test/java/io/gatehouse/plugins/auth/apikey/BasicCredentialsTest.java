package io.gatehouse.plugins.auth.apikey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BasicCredentialsTest {

    static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theUserNameEndsAtTheFirstColonAndThePasswordKeepsTheRest() throws Exception {
        BasicCredentials credentials = BasicCredentials.decode(basic("bob:s3cret:with:colons"));
        assertEquals("bob", credentials.username());
        assertArrayEquals("s3cret:with:colons".getBytes(StandardCharsets.UTF_8), credentials.password());
    }

    @Test
    void unicodeAndEmptyPartsAreKept() throws Exception {
        BasicCredentials unicode = BasicCredentials.decode(basic("jürgen:pässwörd✓"));
        assertEquals("jürgen", unicode.username());
        assertArrayEquals("pässwörd✓".getBytes(StandardCharsets.UTF_8), unicode.password());
        BasicCredentials empty = BasicCredentials.decode(basic(":"));
        assertEquals("", empty.username());
        assertEquals(0, empty.password().length);
    }

    @Test
    void paddingMayBeLeftOutAndSpacesAroundTheTokenDoNotCount() throws Exception {
        String token = Base64.getEncoder().withoutPadding().encodeToString("a:b".getBytes(StandardCharsets.UTF_8));
        assertEquals("a", BasicCredentials.decode("Basic   " + token + " ").username());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic abc", "basic abc", "BASIC abc", "Basic", "bAsIc "})
    void theSchemeIsMatchedInAnyCase(String value) {
        assertTrue(BasicCredentials.isBasic(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer abc", "Basicabc", "Basi c", "", "Digest username=\"a\"", " Basic abc"})
    void otherSchemesAreNotBasic(String value) {
        assertFalse(BasicCredentials.isBasic(value));
    }

    @Test
    void malformedCredentialsSayWhatIsWrongWithoutRepeatingThem() {
        record Bad(String value, String reason) {
        }
        byte[] latin1 = "jürgen:secret".getBytes(StandardCharsets.ISO_8859_1);
        for (Bad bad : new Bad[]{
                new Bad("Basic", "nothing follows"),
                new Bad("Basic    ", "nothing follows"),
                new Bad("Basic !!notbase64!!", "not valid base64"),
                new Bad("Basic YWxpY2U6c2VjcmV0=====", "not valid base64"),
                new Bad("Basic " + Base64.getEncoder().encodeToString("alicesecret".getBytes()), "no ':'"),
                new Bad("Basic " + Base64.getEncoder().encodeToString(latin1), "not valid UTF-8"),
                new Bad("Basic " + Base64.getUrlEncoder().encodeToString("a:b?>~".getBytes()), "base64")}) {
            BasicCredentials.Malformed e = assertThrows(BasicCredentials.Malformed.class,
                    () -> BasicCredentials.decode(bad.value()), bad.value());
            assertTrue(e.getMessage().contains(bad.reason()), e.getMessage());
            assertFalse(e.getMessage().contains("secret"));
        }
    }
}
