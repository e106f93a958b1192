package io.gatehouse.plugins.balancers;

import org.pf4j.Extension;

/**
 * {@code lb.weighted_round_robin}: nginx's smooth weighted round robin over the endpoints' weights (weight 0: never
 * chosen). No options. See {@link WeightedRoundRobinBalancer}.
 */
@Extension
public final class WeightedRoundRobinFactory extends BalancerFactory<NoOptions> {

    /** Creates the factory (PF4J calls it). */
    public WeightedRoundRobinFactory() {
        super("lb.weighted_round_robin", NoOptions.class, config -> new WeightedRoundRobinBalancer());
    }
}
