package io.gatehouse.plugins.grpc;

import org.junit.jupiter.api.AfterEach;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The end-to-end tests of proxied calls: each starts the gateways it needs, closed after the test. */
abstract class ProxyTest {

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeProxies() throws Exception {
        for (AutoCloseable closeable : cleanup.reversed()) {
            closeable.close();
        }
    }

    /** A gateway running the example of docs/grpc.md, in front of a new echo server. */
    ProxyFixture proxy(String example, String... replacements) throws Exception {
        return proxy(example, Map.of(), null, replacements);
    }

    /** The same with environment variables, and another upstream URL unless {@code null}. */
    ProxyFixture proxy(String example, Map<String, String> env, String upstreamUrl, String... replacements)
            throws Exception {
        ProxyFixture proxy = ProxyFixture.start(example, env, upstreamUrl, replacements);
        cleanup.add(proxy);
        return proxy;
    }
}
