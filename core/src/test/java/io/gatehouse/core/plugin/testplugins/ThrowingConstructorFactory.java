package io.gatehouse.core.plugin.testplugins;

import org.pf4j.Extension;

/** A factory that cannot even be constructed. */
@Extension
public class ThrowingConstructorFactory extends PassThroughFilterFactory {

    /** Always fails. */
    public ThrowingConstructorFactory() {
        throw new IllegalStateException("license server unreachable");
    }

    @Override
    public String id() {
        return "filter.throwing";
    }
}
