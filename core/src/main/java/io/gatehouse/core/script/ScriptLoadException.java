package io.gatehouse.core.script;

import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SourceSection;

/** A script that cannot be used: the message starts with {@code file:line:column} when the engine knows it. */
public final class ScriptLoadException extends RuntimeException {

    public ScriptLoadException(String message) {
        super(message);
    }

    static ScriptLoadException of(String name, PolyglotException e) {
        SourceSection at = e.getSourceLocation();
        String message = String.valueOf(e.getMessage());
        // the engine prefixes syntax errors with "SyntaxError: name:line:col "; keep our own prefix only
        String where = at == null ? name : name + ":" + at.getStartLine() + ":" + at.getStartColumn();
        String kind = e.isSyntaxError() ? "syntax error" : "error while loading";
        return new ScriptLoadException(where + ": " + kind + ": " + message.replace("\n", " ").strip());
    }
}
