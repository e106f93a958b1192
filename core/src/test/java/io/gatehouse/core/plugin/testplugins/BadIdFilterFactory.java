package io.gatehouse.core.plugin.testplugins;

import org.pf4j.Extension;

/** A filter factory whose id breaks the id syntax. */
@Extension
public class BadIdFilterFactory extends PassThroughFilterFactory {

    @Override
    public String id() {
        return "filter.Bad-Id";
    }
}
