package io.gatehouse.plugins.access;

import java.util.List;

/**
 * Config of {@code filter.acl}.
 *
 * <pre>{@code
 * - acl:
 *     allow: { groups: [ admins, ops ] }
 *     deny:  { consumers: [ mallory ] }
 * }</pre>
 *
 * @param allow who may use the route: a consumer listed by id or in a listed group; when given, everyone else is
 *              refused; default: none (every consumer not denied passes)
 * @param deny  who is refused, even when {@code allow} also admits them; default: none
 */
public record AclConfig(Rule allow, Rule deny) {

    /**
     * One side of the rule: a consumer matches when its id is listed or it belongs to a listed group.
     *
     * @param consumers consumer ids, compared exactly; default: none
     * @param groups    group names, compared exactly; default: none
     */
    public record Rule(List<String> consumers, List<String> groups) {

        /** Applies the defaults. */
        public Rule {
            consumers = consumers == null ? List.of() : List.copyOf(consumers);
            groups = groups == null ? List.of() : List.copyOf(groups);
        }

        boolean isEmpty() {
            return consumers.isEmpty() && groups.isEmpty();
        }
    }
}
