package io.gatehouse.plugins.auth.oauth2;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A test with a fresh {@link Harness} (and so a fresh introspection endpoint) for each test method. */
abstract class AgainstEndpoint {

    Harness harness;

    @BeforeEach
    void startHarness() throws Exception {
        harness = new Harness();
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }
}
