package io.gatehouse.core.builtin;

import io.gatehouse.api.ComponentFactory;
import io.gatehouse.core.script.ScriptFilter;

import java.util.List;

/** The components that ship inside core, registered next to the plugins' ones. */
public final class Builtins {

    private Builtins() {
    }

    public static List<ComponentFactory<?, ?>> factories() {
        return List.of(
                new AccessLogFilter.Factory(),
                new RequestIdFilter.Factory(),
                new StripPrefixFilter.Factory(),
                new RewriteFilter.Factory(),
                new ScriptFilter.Factory(),
                new RoundRobinBalancer.Factory(),
                new StaticDiscovery.Factory());
    }
}
