package io.gatehouse.core.chain;

import io.gatehouse.api.PluginContext;
import io.gatehouse.core.script.ScriptHost;

/**
 * The context built-in components get: a {@link PluginContext} plus what only core components may use. Plugins
 * receive the same object typed as {@link PluginContext} and cannot reach the rest.
 */
public interface CoreContext extends PluginContext {

    /** @return calls to the upstreams of the generation being built */
    UpstreamCalls upstreams();

    /** @return the gateway's JavaScript runtime; {@code null} when only checking a config */
    ScriptHost scripts();
}
