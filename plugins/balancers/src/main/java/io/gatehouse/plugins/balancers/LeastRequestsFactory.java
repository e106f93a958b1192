package io.gatehouse.plugins.balancers;

import org.pf4j.Extension;

/**
 * {@code lb.least_requests}: the endpoint with the fewest requests in flight, ties broken at random (weighted).
 * No options. See {@link LeastRequestsBalancer}.
 */
@Extension
public final class LeastRequestsFactory extends BalancerFactory<NoOptions> {

    /** Creates the factory (PF4J calls it). */
    public LeastRequestsFactory() {
        super("lb.least_requests", NoOptions.class, config -> new LeastRequestsBalancer(System::nanoTime));
    }
}
