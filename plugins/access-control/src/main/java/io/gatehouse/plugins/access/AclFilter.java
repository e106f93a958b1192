package io.gatehouse.plugins.access;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Consumer;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.Response;

import java.util.Set;

/**
 * Admits the consumer on the exchange when no deny entry matches it and, if there are allow entries, one of them
 * does. A request without a consumer is refused: the ACL cannot judge whom it does not know. An anonymous consumer
 * ({@code anonymous: guest} on an authentication filter) is judged by its id like any other, so a route admits
 * anonymous requests only when that id is allowed (or, with deny entries alone, not denied).
 */
final class AclFilter implements Filter {

    static final String CODE = "access_denied";
    static final String NO_CONSUMER = "No consumer identified: put an authentication filter before filter.acl "
            + "in the route's filters.";
    private static final String DENIED = "This consumer is not allowed to use this route.";

    private final Side allow;
    private final Side deny;
    private final Refusal refusal;

    AclFilter(AclConfig config, Refusal refusal) {
        this.allow = config.allow() == null ? null : new Side(config.allow());
        this.deny = config.deny() == null ? null : new Side(config.deny());
        this.refusal = refusal;
    }

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        Consumer consumer = exchange.authenticated().orElse(null);
        if (consumer == null) {
            throw refusal.refuse(exchange, 403, CODE, NO_CONSUMER,
                    "no consumer on the exchange (no authentication filter before filter.acl, or none identified one)");
        }
        String who = "consumer '" + consumer.id() + "' (" + consumer.credential() + ")";
        String denied = deny == null ? null : deny.match(consumer);
        if (denied != null) {
            throw refusal.refuse(exchange, 403, CODE, DENIED, who + " is denied: " + denied);
        }
        if (allow != null && allow.match(consumer) == null) {
            throw refusal.refuse(exchange, 403, CODE, DENIED, who + " is not allowed: neither its id nor any of its "
                    + "groups " + consumer.groups() + " is listed");
        }
        return chain.proceed(exchange);
    }

    /** One side of the rule, as sets. */
    private record Side(Set<String> consumers, Set<String> groups) {

        Side(AclConfig.Rule rule) {
            this(Set.copyOf(rule.consumers()), Set.copyOf(rule.groups()));
        }

        /** @return how the consumer matches ("listed by id", "in group 'x'"), or {@code null} when it does not */
        String match(Consumer consumer) {
            if (consumers.contains(consumer.id())) {
                return "listed by id";
            }
            for (String group : consumer.groups()) {
                if (groups.contains(group)) {
                    return "in group '" + group + "'";
                }
            }
            return null;
        }
    }
}
