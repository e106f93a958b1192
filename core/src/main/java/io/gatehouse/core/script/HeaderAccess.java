package io.gatehouse.core.script;

import io.gatehouse.api.Headers;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.proxy.ProxyArray;

import java.util.ArrayList;

/** Header methods (exported to the prelude; the class is public so the engine sees them) shared by the request and response objects a script sees (wrapped by the prelude). */
public abstract class HeaderAccess {

    /** @return the headers the methods act on; may throw when the owner is no longer usable */
    abstract Headers headers();

    @HostAccess.Export
    public String header(String name) {
        return headers().first(name).orElse(null);
    }

    @HostAccess.Export
    public ProxyArray headerAll(String name) {
        return ProxyArray.fromList(new ArrayList<>(headers().all(name)));
    }

    @HostAccess.Export
    public ProxyArray headerNames() {
        return ProxyArray.fromList(new ArrayList<>(headers().names()));
    }

    @HostAccess.Export
    public void headerSet(String name, String value) {
        headers().set(name, value);
    }

    @HostAccess.Export
    public void headerAdd(String name, String value) {
        headers().add(name, value);
    }

    @HostAccess.Export
    public boolean headerRemove(String name) {
        return headers().remove(name);
    }
}
