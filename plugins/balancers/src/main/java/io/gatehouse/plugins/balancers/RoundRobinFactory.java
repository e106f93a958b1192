package io.gatehouse.plugins.balancers;

import org.pf4j.Extension;

/**
 * {@code lb.round_robin}: each endpoint of weight &gt; 0 in turn; weights above 0 are not taken into account (use
 * {@code weighted_round_robin} for that). Replaces the core's builtin of the same id when this plugin is
 * installed. No options.
 */
@Extension
public final class RoundRobinFactory extends BalancerFactory<NoOptions> {

    /** Creates the factory (PF4J calls it). */
    public RoundRobinFactory() {
        super("lb.round_robin", NoOptions.class, config -> new RoundRobinBalancer());
    }
}
