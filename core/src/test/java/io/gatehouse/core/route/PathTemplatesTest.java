package io.gatehouse.core.route;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PathTemplatesTest {

    @Test
    void aKeptSessionsTemplatesServeTheNext() {
        PathTemplates templates = new PathTemplates();
        PathTemplates.Session first = templates.session();
        assertEquals(Optional.empty(), first.problem("/a/:id"));
        PathTemplate a = first.parse("/a/:id");
        assertSame(a, first.parse("/a/:id"));
        first.keep();
        PathTemplates.Session second = templates.session();
        assertEquals(Optional.empty(), second.problem("/a/:id"));
        assertSame(a, second.parse("/a/:id"));
        second.keep();
        // only what the last kept session used is kept
        PathTemplates.Session third = templates.session();
        third.parse("/b");
        third.keep();
        assertNotSame(a, templates.session().parse("/a/:id"));
    }

    @Test
    void anUnkeptSessionLeavesTheKeptOnesAlone() {
        PathTemplates templates = new PathTemplates();
        PathTemplates.Session kept = templates.session();
        PathTemplate a = kept.parse("/a");
        kept.keep();
        templates.session().parse("/b"); // a failed build: never kept
        assertSame(a, templates.session().parse("/a"));
    }

    @Test
    void problemsAreThePlainParsersOnes() {
        PathTemplates.Session session = new PathTemplates().session();
        assertEquals(PathTemplate.problem("/a/:id/:id"), session.problem("/a/:id/:id"));
        assertEquals(PathTemplate.problem("nope"), session.problem("nope"));
        assertEquals(PathTemplate.problem(null), session.problem(null));
        assertThrows(IllegalArgumentException.class, () -> session.parse("/a//b"));
    }
}
