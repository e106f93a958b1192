package io.gatehouse.core.plugin;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One plugin found in {@code plugins/}, as the admin API shows it.
 *
 * @param id       the plugin id ({@code Plugin-Id})
 * @param version  its version ({@code Plugin-Version})
 * @param state    {@code started}, {@code failed}, {@code disabled}, ... (PF4J's state, lower case)
 * @param source   the file or folder it was loaded from, e.g. {@code headers-1.0.0.jar}
 * @param provides the component ids it contributes to the registry, sorted; empty unless started
 * @param hash     the SHA-256 of the file (of a folder: of its files), hex; how a rewritten file is told apart
 */
public record PluginInfo(String id, String version, String state, String source, SortedSet<String> provides,
                         String hash) {

    /** Makes {@code provides} an unmodifiable sorted copy. */
    public PluginInfo {
        provides = Collections.unmodifiableSortedSet(new TreeSet<>(provides == null ? new TreeSet<>() : provides));
    }

    /** Without a hash (a plugin not read from a file). */
    public PluginInfo(String id, String version, String state, String source, SortedSet<String> provides) {
        this(id, version, state, source, provides, null);
    }

    PluginInfo withProvides(SortedSet<String> ids) {
        return new PluginInfo(id, version, state, source, ids, hash);
    }
}
