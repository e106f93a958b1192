package io.gatehouse.plugins.cache;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stores that are alive in this gateway (one per {@code filter.cache} place and config), so that a purge can
 * reach every one of them: a route's cache may sit in the route's filters or in {@code global_filters}.
 *
 * <p>This is what the admin API's purge ({@code DELETE /cache/routes/{route}}) calls; see {@link CachePurge}.
 */
final class CacheRegistry {

    private static final Set<CacheStore> STORES = ConcurrentHashMap.newKeySet();

    private CacheRegistry() {
    }

    static void register(CacheStore store) {
        STORES.add(store);
    }

    static void unregister(CacheStore store) {
        STORES.remove(store);
    }

    /** @return how many responses were removed */
    static int purgeRoute(String route) {
        return STORES.stream().mapToInt(store -> store.purgeRoute(route)).sum();
    }

    /** @return how many responses (variants, consumers) were removed */
    static int purgeResource(String route, String host, String path, String query) {
        return STORES.stream().mapToInt(store -> store.purgeResource(route, host, path, query)).sum();
    }
}
