package io.gatehouse.plugins.balancers;

import io.gatehouse.api.Problems;
import org.pf4j.Extension;

/**
 * {@code lb.consistent_hash}: a weight-aware consistent-hash ring keyed on a header, cookie, query parameter, the
 * client IP or the path. See {@link ConsistentHashConfig} and {@link HashRing}.
 */
@Extension
public final class ConsistentHashFactory extends BalancerFactory<ConsistentHashConfig> {

    /** Creates the factory (PF4J calls it). */
    public ConsistentHashFactory() {
        super("lb.consistent_hash", ConsistentHashConfig.class, ConsistentHashBalancer::new);
    }

    /**
     * Reports a {@code key} outside {@link ConsistentHashConfig#KEYS}, a missing {@code name} for a header, cookie or
     * query key (and one given for another key), and {@code virtual_nodes} out of range.
     */
    @Override
    public void validate(ConsistentHashConfig config, Problems problems) {
        if (!ConsistentHashConfig.KEYS.contains(config.key())) {
            problems.add("key", "must be one of " + String.join(", ", ConsistentHashConfig.KEYS)
                    + ", got '" + config.key() + "'");
        } else if (config.keyNeedsName() && (config.name() == null || config.name().isBlank())) {
            problems.add("name", "required when key is " + config.key());
        } else if (!config.keyNeedsName() && config.name() != null) {
            problems.add("name", "only used when key is header, cookie or query (key is " + config.key() + ")");
        }
        int virtualNodes = config.virtualNodes();
        if (virtualNodes < ConsistentHashConfig.MIN_VIRTUAL_NODES
                || virtualNodes > ConsistentHashConfig.MAX_VIRTUAL_NODES) {
            problems.add("virtual_nodes", "must be between " + ConsistentHashConfig.MIN_VIRTUAL_NODES + " and "
                    + ConsistentHashConfig.MAX_VIRTUAL_NODES + ", got " + virtualNodes);
        }
    }
}
