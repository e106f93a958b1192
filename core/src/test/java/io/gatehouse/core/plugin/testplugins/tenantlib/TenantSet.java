package io.gatehouse.core.plugin.testplugins.tenantlib;

import java.util.Set;

/** Stands for a library class ({@code ImmutableSet}) that {@code TenantFilterFactory}'s JAR does not bundle. */
public final class TenantSet {

    private final Set<String> tenants;

    private TenantSet(Set<String> tenants) {
        this.tenants = tenants;
    }

    /** @return a set of these tenants */
    public static TenantSet of(String... tenants) {
        return new TenantSet(Set.of(tenants));
    }

    /** @return whether the tenant is in the set */
    public boolean contains(String tenant) {
        return tenants.contains(tenant);
    }
}
