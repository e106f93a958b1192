package io.gatehouse.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A consumer travels upstream in headers (X-Consumer-Id, X-Consumer-Groups joined with commas): what could not be
 * read back as sent is refused when the consumer is made, not when the gateway writes the headers.
 */
class ConsumerTest {

    @ParameterizedTest
    @ValueSource(strings = {"users,admins", "admins\r\nX-Evil: 1", "tab\there", " ", ""})
    void aGroupThatWouldNotReadBackUpstreamIsRefused(String group) {
        assertFalse(Consumer.isValidGroup(group));
        assertThrows(IllegalArgumentException.class,
                () -> new Consumer("alice", Consumer.JWT, List.of("staff", group), Map.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice\r\nX-Consumer-Id: root", "nul\0", " "})
    void anIdThatCouldNotBeAHeaderValueIsRefused(String id) {
        assertThrows(IllegalArgumentException.class, () -> Consumer.of(id, Consumer.API_KEY));
    }

    @Test
    void anOrdinaryConsumerIsKeptAsGiven() {
        Consumer consumer = new Consumer("Zoë", Consumer.OAUTH2, List.of("staff", "ops-team"), Map.of("tier", "3"));
        assertTrue(Consumer.isValidGroup("ops-team"));
        assertEquals(List.of("staff", "ops-team"), consumer.groups());
        assertTrue(consumer.inGroup("ops-team"));
        assertFalse(consumer.isAnonymous());
        assertTrue(Consumer.anonymous("guest").isAnonymous());
    }
}
