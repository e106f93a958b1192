package io.gatehouse.plugins.auth.apikey;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A user name and password from {@code Authorization: Basic <base64>} (RFC 7617, UTF-8): the user name is what comes
 * before the first colon, the password everything after it.
 *
 * @param username the user name
 * @param password the password's UTF-8 bytes, as sent
 */
record BasicCredentials(String username, byte[] password) {

    static final String SCHEME = "Basic";

    /** Why credentials could not be read, in words fit for the client: never a part of what was sent. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * @param value an {@code Authorization} header value
     * @return whether it is of the Basic scheme (in any case), well-formed or not
     */
    static boolean isBasic(String value) {
        return value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                && (value.length() == SCHEME.length() || value.charAt(SCHEME.length()) == ' ');
    }

    /**
     * @param value an {@code Authorization} header value for which {@link #isBasic} holds
     * @return the credentials
     * @throws Malformed when the value holds no credentials, bad base64, text that is not UTF-8, or no colon
     */
    static BasicCredentials decode(String value) throws Malformed {
        String token = value.substring(SCHEME.length()).strip();
        if (token.isEmpty()) {
            throw new Malformed("nothing follows \"Basic\"");
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw new Malformed("what follows \"Basic\" is not valid base64");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(decoded)).toString();
        } catch (CharacterCodingException e) {
            Arrays.fill(decoded, (byte) 0);
            throw new Malformed("the decoded user name and password are not valid UTF-8");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            Arrays.fill(decoded, (byte) 0);
            throw new Malformed("the decoded text has no ':' between the user name and the password");
        }
        String username = text.substring(0, colon);
        int passwordStart = username.getBytes(StandardCharsets.UTF_8).length + 1;
        byte[] password = Arrays.copyOfRange(decoded, passwordStart, decoded.length);
        Arrays.fill(decoded, (byte) 0);
        return new BasicCredentials(username, password);
    }
}
