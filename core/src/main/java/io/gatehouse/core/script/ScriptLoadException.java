package io.gatehouse.core.script;

import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SourceSection;

import java.time.Duration;

/** A script that cannot be used: the message starts with {@code file:line:column} when the engine knows it. */
public final class ScriptLoadException extends RuntimeException {

    private final boolean overran;

    public ScriptLoadException(String message) {
        this(message, false);
    }

    private ScriptLoadException(String message, boolean overran) {
        super(message);
        this.overran = overran;
    }

    static ScriptLoadException of(String name, PolyglotException e) {
        SourceSection at = e.getSourceLocation();
        if (at == null) {   // a throw at the top level of an imported module: its frame knows where
            for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
                if (frame.isGuestFrame() && frame.getSourceLocation() != null) {
                    at = frame.getSourceLocation();
                    break;
                }
            }
        }
        String message = String.valueOf(e.getMessage());
        // the engine prefixes syntax errors with "SyntaxError: name:line:col "; keep our own prefix only
        // an error in an imported module is placed in that module (its virtual path, see ModuleFiles)
        String path = at == null ? null : at.getSource().getPath();
        String file = path != null && path.startsWith("/") ? path.substring(1) : name;
        String where = at == null ? name : file + ":" + at.getStartLine() + ":" + at.getStartColumn();
        String kind = e.isSyntaxError() ? "syntax error" : "error while loading";
        return new ScriptLoadException(where + ": " + kind + ": " + message.replace("\n", " ").strip());
    }

    /**
     * Top-level code stopped by the load budget.
     *
     * @param at where it was running ({@code line:column}), or null when unknown
     */
    static ScriptLoadException overran(String name, String at, Duration budget) {
        return new ScriptLoadException((at == null ? name : name + ":" + at) + ": top-level code ran longer than "
                + budget.toMillis() + " ms and was stopped (an endless loop?); module code should only set up "
                + "what filter() uses", true);
    }

    /**
     * @return whether the module ran past its time budget: unlike a syntax error this may depend on the machine's
     * load, so it never makes a config invalid
     */
    public boolean overran() {
        return overran;
    }
}
