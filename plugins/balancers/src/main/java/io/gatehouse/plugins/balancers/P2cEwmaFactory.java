package io.gatehouse.plugins.balancers;

import io.gatehouse.api.Problems;
import org.pf4j.Extension;

import java.time.Duration;

/**
 * {@code lb.p2c_ewma}: power of two random choices on a peak-EWMA of latency with an in-flight penalty. See
 * {@link P2cEwmaConfig} and {@link P2cEwmaBalancer}.
 */
@Extension
public final class P2cEwmaFactory extends BalancerFactory<P2cEwmaConfig> {

    /** Creates the factory (PF4J calls it). */
    public P2cEwmaFactory() {
        super("lb.p2c_ewma", P2cEwmaConfig.class, config -> new P2cEwmaBalancer(config, System::nanoTime));
    }

    /** Reports a decay under 1 ms and a negative failure penalty. */
    @Override
    public void validate(P2cEwmaConfig config, Problems problems) {
        if (config.decay().compareTo(Duration.ofMillis(1)) < 0) {
            problems.add("decay", "must be at least 1ms, got " + config.decay().toMillis() + "ms");
        }
        if (config.failurePenalty().isNegative()) {
            problems.add("failure_penalty", "must not be negative");
        }
    }
}
