package io.gatehouse.plugins.access;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import org.pf4j.Extension;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code filter.ip_restriction}: admits or refuses a request by the client's address, as the core resolved it
 * through {@code server.trusted_proxies}. See {@link IpRestrictionConfig}.
 */
@Extension
public final class IpRestrictionFilterFactory implements FilterFactory<IpRestrictionConfig> {

    @Override
    public String id() {
        return "filter.ip_restriction";
    }

    @Override
    public Class<IpRestrictionConfig> configType() {
        return IpRestrictionConfig.class;
    }

    /**
     * Reports a config with neither list, every entry that is not an IP literal or CIDR block (a host name, a prefix
     * out of range, address bits set after the prefix: {@code 10.0.0.1/8} is refused rather than guessed at), a
     * status outside 400..599 and a blank message.
     */
    @Override
    public void validate(IpRestrictionConfig config, Problems problems) {
        if (config.allow().isEmpty() && config.deny().isEmpty()) {
            problems.add("", "nothing to check: give allow, deny or both (CIDR blocks like 10.0.0.0/8)");
        }
        blocks("allow", config.allow(), problems);
        blocks("deny", config.deny(), problems);
        if (config.status() < 400 || config.status() > 599) {
            problems.add("status", "must be an error status, 400 to 599, got " + config.status());
        }
        if (config.message().isBlank()) {
            problems.add("message", "must not be blank (leave it out for the default)");
        }
    }

    @Override
    public Filter create(IpRestrictionConfig config, PluginContext context) {
        return new IpRestrictionFilter(blocks("allow", config.allow(), InvalidConfig.THROW),
                blocks("deny", config.deny(), InvalidConfig.THROW), config.status(), config.message(),
                new Refusal(context));
    }

    /** Parses a list, reporting every bad entry with its index. */
    private static List<IpBlock> blocks(String key, List<String> entries, Problems problems) {
        List<IpBlock> blocks = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            try {
                blocks.add(IpBlock.parse(entries.get(i)));
            } catch (IllegalArgumentException e) {
                problems.add(key + "[" + i + "]", e.getMessage());
            }
        }
        return List.copyOf(blocks);
    }
}
