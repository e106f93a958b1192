package io.gatehouse.plugins.access;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.Response;

import java.util.List;

/**
 * Refuses a client whose address is in a denied block, or, when there are allowed blocks, in none of them. Deny wins
 * over allow. A client address that cannot be read as an IP literal is refused too: the filter fails closed.
 *
 * @param allow   the allowed blocks; empty: every client not denied passes
 * @param deny    the denied blocks
 * @param status  the status of a refusal
 * @param message the refusal's detail
 * @param refusal logs and makes the refusal
 */
record IpRestrictionFilter(List<IpBlock> allow, List<IpBlock> deny, int status, String message, Refusal refusal)
        implements Filter {

    private static final String CODE = "ip_not_allowed";

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        String client = exchange.clientIp();
        IpAddress address = IpAddress.parseClient(client);
        if (address == null) {
            throw refusal.refuse(exchange, status, CODE, message, "the client address '" + client
                    + "' is not an IP literal");
        }
        IpBlock denied = first(deny, address);
        if (denied != null) {
            throw refusal.refuse(exchange, status, CODE, message, "client " + client + " is in denied block "
                    + denied);
        }
        if (!allow.isEmpty() && first(allow, address) == null) {
            throw refusal.refuse(exchange, status, CODE, message, "client " + client + " is in no allowed block");
        }
        return chain.proceed(exchange);
    }

    private static IpBlock first(List<IpBlock> blocks, IpAddress address) {
        for (IpBlock block : blocks) {
            if (block.contains(address)) {
                return block;
            }
        }
        return null;
    }
}
