package io.gatehouse.core.script;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

import java.io.OutputStream;

/**
 * A Context built exactly as the gateway builds a script's (same engine policy, same builder, same prelude), for
 * in-memory tests of the globals; {@link #eval} runs an expression that may return a promise.
 */
final class Sandbox implements AutoCloseable {

    private final Engine engine;
    private final Context context;
    private final Value settle;

    Sandbox() {
        OutputStream discard = OutputStream.nullOutputStream();
        engine = Engine.newBuilder("js").sandbox(SandboxPolicy.CONSTRAINED).out(discard).err(discard)
                .option("engine.WarnInterpreterOnly", "false").build();
        context = ScriptVersion.contextBuilder(engine, discard, ModuleFiles.NONE).build();
        Source prelude = Source.newBuilder("js", ScriptHost.preludeText(), "gatehouse-prelude.js").buildLiteral();
        ScriptVersion.runtime(context, prelude, new HostResponse.Factory(), new ScriptVersion.ScriptLog(null));
        settle = context.eval("js", """
                globalThis.hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
                globalThis.bytes = (s) => new TextEncoder().encode(s);
                globalThis.fromHex = (h) => new Uint8Array(h.match(/../g).map((x) => parseInt(x, 16)));
                globalThis.repeat = (byte, n) => new Uint8Array(n).fill(byte);
                (() => {
                    let out;
                    const show = (v) => typeof v === 'string' ? v : JSON.stringify(v);
                    return {
                        start(f) {
                            out = 'pending';
                            Promise.resolve().then(f).then((v) => { out = show(v); },
                                (e) => { out = 'threw ' + e?.name + ': ' + e?.message; });
                        },
                        result() { return out; },
                    };
                })()
                """);
    }

    /** @return the expression's value (awaited; strings as they are, others as JSON), or "threw Name: message" */
    String eval(String expression) {
        settle.invokeMember("start", context.eval("js", "(async () => (" + expression + "))"));
        return settle.invokeMember("result").asString();
    }

    @Override
    public void close() {
        context.close(true);
        engine.close();
    }
}
