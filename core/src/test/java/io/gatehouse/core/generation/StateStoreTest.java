package io.gatehouse.core.generation;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StateStoreTest {

    private final StateStore store = new StateStore();
    private final List<String> closed = new ArrayList<>();

    private final class State implements AutoCloseable {
        final String name;

        State(String name) {
            this.name = name;
        }

        @Override
        public void close() {
            closed.add(name);
        }
    }

    private State take(StateStore.Scope scope, String owner, Object config, String label) throws Exception {
        return scope.take(owner, "s", config, inner -> new State(label));
    }

    @Test
    void anUnchangedConfigIsCarriedOverAndClosesWhenTheLastGenerationLetsGo() throws Exception {
        StateStore.Scope first = store.scope();
        State a = take(first, "route 'users' filters[0]", "limit 10", "a");
        StateStore.Scope second = store.scope();
        assertSame(a, take(second, "route 'users' filters[0]", "limit 10", "a again"));

        first.close();
        assertEquals(List.of(), closed, "the second generation still uses it");
        second.close();
        assertEquals(List.of("a"), closed);
        assertEquals(0, store.size());
    }

    @Test
    void aChangedConfigOrAnotherOwnerIsAnotherStateAndTheOldOneClosesWithItsGeneration() throws Exception {
        StateStore.Scope first = store.scope();
        State a = take(first, "route 'users' filters[0]", "limit 10", "a");
        StateStore.Scope second = store.scope();
        State b = take(second, "route 'users' filters[0]", "limit 20", "b");
        State c = take(second, "route 'orders' filters[0]", "limit 10", "c");
        assertNotSame(a, b);
        assertNotSame(a, c);

        first.close();
        assertEquals(List.of("a"), closed);
        second.close();
        assertEquals(List.of("a", "c", "b"), closed, "newest first");
    }

    @Test
    void statesTakenWhileCreatingAStateLiveAsLongAsIt() throws Exception {
        StateStore.Scope first = store.scope();
        first.take("upstream 'u'", "upstream", "v1", inner -> {
            take(inner, "upstream 'u' discovery", "consul", "watch");
            return new State("upstream");
        });
        StateStore.Scope second = store.scope();
        second.take("upstream 'u'", "upstream", "v1", inner -> new State("never made"));

        first.close();
        assertEquals(List.of(), closed, "the carried upstream keeps what it was made with");
        second.close();
        assertEquals(List.of("upstream", "watch"), closed);
    }

    @Test
    void aFailedCreateKeepsNothingAndLetsGoOfWhatItTook() {
        StateStore.Scope scope = store.scope();
        NoClassDefFoundError error = assertThrows(NoClassDefFoundError.class, () -> scope.take("o", "s", 1, inner -> {
            take(inner, "o inner", 1, "half made");
            throw new NoClassDefFoundError("com/example/Gone");
        }));
        assertEquals("com/example/Gone", error.getMessage());
        assertEquals(List.of("half made"), closed);
        assertEquals(0, store.size());
    }

    @Test
    void aClosedScopeTakesNothingAndClosingTwiceIsHarmless() throws Exception {
        StateStore.Scope scope = store.scope();
        take(scope, "o", 1, "a");
        scope.close();
        scope.close();
        assertEquals(List.of("a"), closed);
        assertThrows(IllegalStateException.class, () -> take(scope, "o", 1, "b"));
        assertFalse(closed.contains("b"));
        assertEquals(0, store.size());
    }
}
