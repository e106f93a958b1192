package com.example.hello;

import io.gatehouse.api.Filter;
import io.gatehouse.api.Response;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestConfig;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import io.gatehouse.api.testkit.TestUpstream;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class HelloFilterFactoryTest {

    private final HelloFilterFactory factory = new HelloFilterFactory();

    private Filter filter(String yaml) throws Exception {
        HelloFilterFactory.Config config = TestConfig.bindYaml(HelloFilterFactory.Config.class, yaml).orThrow();
        return factory.create(config, TestPluginContext.of(factory.id(), config));
    }

    @Test
    void anEmptyConfigGetsTheDefaults() {
        assertEquals(new HelloFilterFactory.Config("Hello", true, 1),
                TestConfig.bind(HelloFilterFactory.Config.class, Map.of()).orThrow());
    }

    @Test
    void configProblemsComeWithTheGatewaysMessagesAndPaths() {
        assertEquals(List.of("times must be at least 1, got 0"), TestConfig.bind(HelloFilterFactory.Config.class, Map.of("times", 0)).problems());
        assertEquals(List.of("stamp: expected true or false, got 'yes'"),
                TestConfig.bindYaml(HelloFilterFactory.Config.class, "{stamp: yes}").problems());
        assertEquals(List.of("greeting: must not be blank"), TestConfig.check(factory, Map.of("greeting", " ")).problems());
    }

    @Test
    void answersHelloItself() throws Exception {
        TestChain chain = TestChain.ok();
        Response response = filter("{greeting: Hi, times: 2}")
                .filter(TestExchange.builder().path("/x/hello").clientIp("10.0.0.1").build(), chain);
        assertEquals(200, response.status());
        assertEquals("Hi Hi, 10.0.0.1\n", new String(response.body().readAll(1024)));
        assertEquals(0, chain.calls());
    }

    @Test
    void stampsWhatTheUpstreamAnswersUnlessToldNotTo() throws Exception {
        try (TestUpstream upstream = TestUpstream.start(received -> Response.text(200, "from upstream"))) {
            TestUpstream.Result stamped = upstream.run(filter("{greeting: Hi}"), TestExchange.get("/x/other"));
            assertEquals("from upstream", stamped.body());
            assertEquals("Hi", stamped.headers().first("X-Hello").orElseThrow());
            assertEquals("/x/other", stamped.received().getFirst().path());

            TestUpstream.Result plain = upstream.run(filter("{stamp: false}"), TestExchange.get("/x/other"));
            assertFalse(plain.headers().first("X-Hello").isPresent());
        }
    }
}
