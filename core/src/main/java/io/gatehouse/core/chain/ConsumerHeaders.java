package io.gatehouse.core.chain;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;
import io.gatehouse.core.proxy.IdentityHeaders;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Removes, before the first filter of a route runs, every request header through which a client could pose as a
 * consumer: {@code X-Consumer-*} (what authentication filters set for the upstream, on every route) and the headers
 * the route's filters declare in {@link Filter#identityHeaders()} (a forwarded claim such as {@code X-User-Email}),
 * in any case and in their {@code _} spellings too ({@code X_Consumer_Id}), which CGI-style servers read as the same.
 * Unlike {@code server.identity_headers} these are removed whoever the peer is: only the gateway's own filters
 * speak for the consumer.
 */
final class ConsumerHeaders implements Filter {

    static final String NAME = "consumer_headers";
    static final String PREFIX = "x-consumer-";

    /** The removal of {@code X-Consumer-*} alone, shared by every route whose filters declare no header of their own. */
    private static final FilterChain.NamedFilter PREFIX_ONLY = new FilterChain.NamedFilter(NAME,
            new ConsumerHeaders(Set.of()));

    private final Set<String> declared;

    private ConsumerHeaders(Set<String> declared) {
        this.declared = Set.copyOf(declared);
    }

    /** @return whether a client's header {@code name} speaks for a consumer, in any case, with {@code -} or {@code _} */
    private static boolean posing(String name, Set<String> declared) {
        return IdentityHeaders.startsCanonically(name, PREFIX)
                || !declared.isEmpty() && declared.contains(IdentityHeaders.canonical(name));
    }

    /**
     * @return {@code filters} with the header removal in front of them
     */
    static List<FilterChain.NamedFilter> guard(List<FilterChain.NamedFilter> filters) {
        Set<String> declared = null; // made only when a filter declares one: most routes' filters declare none
        for (FilterChain.NamedFilter named : filters) {
            for (String name : named.filter().identityHeaders()) {
                String canonical = IdentityHeaders.canonical(name);
                if (!canonical.startsWith(PREFIX)) {
                    if (declared == null) {
                        declared = new TreeSet<>();
                    }
                    declared.add(canonical);
                }
            }
        }
        List<FilterChain.NamedFilter> guarded = new ArrayList<>(filters.size() + 1);
        guarded.add(declared == null ? PREFIX_ONLY : new FilterChain.NamedFilter(NAME, new ConsumerHeaders(declared)));
        guarded.addAll(filters);
        return guarded;
    }

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        Headers headers = exchange.request().headers();
        headers.removeIf(name -> posing(name, declared));
        return chain.proceed(exchange);
    }
}
