package io.gatehouse.api.testkit;

import io.gatehouse.api.PluginContext;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestPluginContextTest {

    record Config(int limit) {
    }

    static final class Counter implements AutoCloseable {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void anEqualConfigInTheNextGenerationGetsTheSameStateUntilEveryHolderDrained() throws Exception {
        TestPluginContext first = TestPluginContext.of("filter.rate_limit", new Config(10));
        Counter a = first.state("counter", Counter::new);
        TestPluginContext second = first.reload(new Config(10));
        assertSame(a, second.state("counter", Counter::new));

        first.drained();
        assertFalse(a.closed, "the second generation still holds it");
        second.drained();
        assertTrue(a.closed);
    }

    @Test
    void aChangedConfigGetsANewStateAndTheOldOneClosesWithItsLastGeneration() throws Exception {
        TestPluginContext first = TestPluginContext.of("filter.rate_limit", new Config(10));
        Counter a = first.state("counter", Counter::new);
        TestPluginContext second = first.reload(new Config(20));
        Counter b = second.state("counter", Counter::new);
        assertNotSame(a, b);
        assertEquals(List.of(b), second.states());

        first.drained();
        assertTrue(a.closed);
        assertFalse(b.closed);
        assertThrows(IllegalStateException.class, () -> first.state("counter", Counter::new));
    }

    @Test
    void aNameIsOneStateAndAFailedCreateKeepsNothing() throws Exception {
        TestPluginContext context = TestPluginContext.of("filter.x", null, Path.of("/tmp"));
        assertSame(context.state("a", Counter::new), context.state("a", Counter::new));
        assertNotSame(context.state("a", Counter::new), context.state("b", Counter::new));
        assertThrows(IllegalStateException.class, () -> context.state("c", () -> {
            throw new IllegalStateException("store unreachable");
        }));
        assertEquals(2, context.states().size());
        assertEquals(Path.of("/tmp"), context.home());
    }

    /** A context of a component's own, implementing only what the interface requires (as an older core's does). */
    static PluginContext bareContext() {
        return new PluginContext() {
            @Override
            public String componentId() {
                return "filter.x";
            }

            @Override
            public String location() {
                return "test";
            }

            @Override
            public Path home() {
                return Path.of("");
            }

            @Override
            public System.Logger logger() {
                return System.getLogger("x");
            }
        };
    }

    @Test
    void aContextOfItsOwnKeepsNoStateAndSaysSo() {
        PluginContext bare = bareContext();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> bare.state("a", Counter::new));
        assertTrue(e.getMessage().contains("TestPluginContext"), e.getMessage());
    }
}
