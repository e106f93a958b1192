package io.gatehouse.plugins.cache;

import io.gatehouse.api.AdminEndpoint;
import io.gatehouse.api.Response;
import org.pf4j.Extension;

/** Mounts {@link CachePurge} on the admin API at {@code /cache/...}. */
@Extension
public final class CachePurgeEndpoint implements AdminEndpoint {

    @Override
    public String name() {
        return "cache";
    }

    @Override
    public Response handle(String method, String path, String rawQuery) {
        return CachePurge.handle(method, path, rawQuery);
    }
}
