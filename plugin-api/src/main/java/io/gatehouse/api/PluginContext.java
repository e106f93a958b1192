package io.gatehouse.api;

import java.nio.file.Path;

/**
 * What the core gives a component when creating it.
 */
public interface PluginContext {

    /** @return the full component id, e.g. {@code filter.jwt} */
    String componentId();

    /** @return where the component sits in the config, e.g. {@code routes[2].filters[0]}, for log messages */
    String location();

    /** @return the gateway's home folder (with {@code conf/}, {@code plugins/}, {@code scripts/}) */
    Path home();

    /** @return a logger named after the component */
    System.Logger logger();
}
