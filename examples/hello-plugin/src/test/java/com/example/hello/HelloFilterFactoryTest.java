package com.example.hello;

import io.gatehouse.api.Filter;
import io.gatehouse.api.Response;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HelloFilterFactoryTest {

    private final Filter filter = new HelloFilterFactory().create(new HelloFilterFactory.Config("Hi"), null);

    @Test
    void answersHelloItself() throws Exception {
        TestChain chain = TestChain.ok();
        Response response = filter.filter(TestExchange.builder().path("/x/hello").clientIp("10.0.0.1").build(), chain);
        assertEquals(200, response.status());
        assertEquals("Hi, 10.0.0.1\n", new String(response.body().readAll(1024)));
        assertEquals(0, chain.calls());
    }

    @Test
    void stampsOtherResponses() throws Exception {
        TestChain chain = TestChain.ok();
        Response response = filter.filter(TestExchange.get("/x/other"), chain);
        assertEquals("Hi", response.headers().first("X-Hello").orElseThrow());
        assertEquals(1, chain.calls());
    }
}
