package io.gatehouse.core.plugin.testplugins;

import org.pf4j.Extension;

/** A filter factory whose id is in the load balancers' namespace. */
@Extension
public class MisplacedFilterFactory extends PassThroughFilterFactory {

    @Override
    public String id() {
        return "lb.misplaced";
    }
}
