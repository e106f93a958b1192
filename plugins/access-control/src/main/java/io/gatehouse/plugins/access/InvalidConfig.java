package io.gatehouse.plugins.access;

import io.gatehouse.api.Problems;

/**
 * The {@link Problems} a factory's {@code create} reads its config with: the core calls {@code create} only for a
 * config that passed validation, so a problem here is a bug, and fails the creation loudly.
 */
final class InvalidConfig implements Problems {

    static final InvalidConfig THROW = new InvalidConfig();

    private InvalidConfig() {
    }

    @Override
    public void add(String path, String message) {
        throw new IllegalArgumentException((path.isEmpty() ? "" : path + ": ") + message);
    }
}
