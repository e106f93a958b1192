package io.gatehouse.core.plugin.testplugins;

import org.pf4j.Plugin;

/** A plugin whose start fails. */
public class FailingStartPlugin extends Plugin {

    @Override
    public void start() {
        throw new IllegalStateException("cannot open the rate limit store");
    }
}
