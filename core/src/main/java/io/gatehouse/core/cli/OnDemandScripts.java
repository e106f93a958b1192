package io.gatehouse.core.cli;

import io.gatehouse.core.script.ScriptHost;

import java.nio.file.Path;
import java.util.function.Supplier;

/** The script runtime for a read-only command, started only if the config names a script (it takes seconds). */
final class OnDemandScripts implements Supplier<ScriptHost>, AutoCloseable {
    private final Path folder;
    private ScriptHost host;

    OnDemandScripts(Path folder) {
        this.folder = folder;
    }

    @Override
    public ScriptHost get() {
        if (host == null) {
            host = ScriptHost.startToCheck(folder);
        }
        return host;
    }

    @Override
    public void close() {
        if (host != null) {
            host.close();
        }
    }
}
