package io.gatehouse.core.chain;

import io.gatehouse.api.PluginContext;

/**
 * The context built-in components get: a {@link PluginContext} plus what only core components may use. Plugins
 * receive the same object typed as {@link PluginContext} and cannot reach the rest.
 */
public interface CoreContext extends PluginContext {

    /** @return calls to the upstreams of the generation being built */
    UpstreamCalls upstreams();
}
