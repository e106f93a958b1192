package io.gatehouse.plugins.balancers;

import java.time.Duration;

/**
 * Config of {@code lb.p2c_ewma}.
 *
 * <pre>{@code
 * balancer: { type: p2c_ewma, decay: 10s, failure_penalty: 1s }
 * }</pre>
 *
 * @param decay          the time constant of the latency average: a sample's influence falls to 1/e after this
 *                       long, and an endpoint that is not used sees its cost fall the same way, so it is tried
 *                       again; default {@code 10s}
 * @param failurePenalty the latency a failed request (connect error, timeout, 5xx) counts as at least, so an
 *                       endpoint that fails fast does not attract traffic; default {@code 1s}
 */
public record P2cEwmaConfig(Duration decay, Duration failurePenalty) {

    /** Applies the defaults. */
    public P2cEwmaConfig {
        decay = decay == null ? Duration.ofSeconds(10) : decay;
        failurePenalty = failurePenalty == null ? Duration.ofSeconds(1) : failurePenalty;
    }
}
