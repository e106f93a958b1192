package io.gatehouse.plugins.ratelimit;

import io.gatehouse.api.Completion;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConcurrencyLimitTest {

    private static Completion done(Completion.Outcome outcome) {
        return new Completion(200, 0, Duration.ZERO, outcome, Optional.empty());
    }

    @Test
    void aSlotIsHeldUntilTheExchangeCompletesWhateverItsOutcome() throws Exception {
        ConcurrencyLimitFilterFactory.Config config = new ConcurrencyLimitFilterFactory.Config(2, "ip");
        Filter filter = new ConcurrencyLimitFilterFactory().create(config,
                TestPluginContext.of("filter.concurrency_limit", config));
        TestExchange one = TestExchange.builder().path("/").clientIp("10.0.0.1").build();
        TestExchange two = TestExchange.builder().path("/").clientIp("10.0.0.1").build();
        filter.filter(one, TestChain.ok());
        filter.filter(two, TestChain.ok());
        TestChain chain = TestChain.ok();
        GatewayException refused = assertThrows(GatewayException.class, () -> filter.filter(
                TestExchange.builder().path("/").clientIp("10.0.0.1").build(), chain));
        assertEquals(429, refused.status());
        assertEquals("concurrency_limited", refused.code());
        assertEquals(0, chain.calls());
        filter.filter(TestExchange.builder().path("/").clientIp("10.0.0.2").build(), TestChain.ok());

        one.complete(done(Completion.Outcome.CLIENT_ABORTED));
        TestExchange three = TestExchange.builder().path("/").clientIp("10.0.0.1").build();
        filter.filter(three, TestChain.ok());
        two.complete(done(Completion.Outcome.OK));
        three.complete(done(Completion.Outcome.UPSTREAM_FAILED));
        filter.filter(TestExchange.builder().path("/").clientIp("10.0.0.1").build(), TestChain.ok());
        filter.filter(TestExchange.builder().path("/").clientIp("10.0.0.1").build(), TestChain.ok());
    }

    @Test
    void theLimitAndKeyAreValidated() {
        java.util.List<String> problems = new java.util.ArrayList<>();
        new ConcurrencyLimitFilterFactory().validate(new ConcurrencyLimitFilterFactory.Config(0, "ip+bogus"),
                (path, message) -> problems.add(path + ": " + message));
        assertEquals(2, problems.size(), problems.toString());
    }
}
