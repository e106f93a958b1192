package io.gatehouse.plugins.access;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import org.pf4j.Extension;

import java.util.List;

/**
 * {@code filter.acl}: admits or refuses the consumer an authentication filter identified, by its id and groups. See
 * {@link AclConfig}.
 */
@Extension
public final class AclFilterFactory implements FilterFactory<AclConfig> {

    @Override
    public String id() {
        return "filter.acl";
    }

    @Override
    public Class<AclConfig> configType() {
        return AclConfig.class;
    }

    /** Reports a config with neither side, a side with no id and no group, and blank entries. */
    @Override
    public void validate(AclConfig config, Problems problems) {
        if (config.allow() == null && config.deny() == null) {
            problems.add("", "nothing to check: give allow, deny or both, each with consumers and/or groups");
        }
        validate("allow", config.allow(), problems);
        validate("deny", config.deny(), problems);
    }

    @Override
    public Filter create(AclConfig config, PluginContext context) {
        return new AclFilter(config, new Refusal(context));
    }

    private static void validate(String side, AclConfig.Rule rule, Problems problems) {
        if (rule == null) {
            return;
        }
        if (rule.isEmpty()) {
            problems.add(side, "lists nobody: give consumers (ids), groups (names) or both");
        }
        notBlank(side + ".consumers", rule.consumers(), problems);
        notBlank(side + ".groups", rule.groups(), problems);
    }

    private static void notBlank(String path, List<String> names, Problems problems) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).isBlank()) {
                problems.add(path + "[" + i + "]", "must not be blank");
            }
        }
    }
}
