package io.gatehouse.core.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Silences java.util.logging while a read-only command runs, and restores it after. PF4J logs through SLF4J onto
 * JUL (slf4j-jdk14), and the core and the script host log through {@link System.Logger}, which is JUL too: their
 * INFO lines about loading plugins and starting the script engine are noise around {@code check}'s
 * {@code path: problem} lines, and every problem they would warn about is reported by the command itself.
 */
final class QuietLogging implements AutoCloseable {

    private final Logger root = Logger.getLogger("");
    private final Level rootLevel;
    private final List<Handler> handlers = new ArrayList<>();
    private final List<Level> handlerLevels = new ArrayList<>();

    private QuietLogging() {
        rootLevel = root.getLevel();
        for (Handler handler : root.getHandlers()) {
            handlers.add(handler);
            handlerLevels.add(handler.getLevel());
            handler.setLevel(Level.OFF);   // also stops loggers that set their own level
        }
        root.setLevel(Level.OFF);
    }

    /** @return a silence that lasts until {@link #close()} */
    static QuietLogging on() {
        return new QuietLogging();
    }

    @Override
    public void close() {
        root.setLevel(rootLevel);
        for (int i = 0; i < handlers.size(); i++) {
            handlers.get(i).setLevel(handlerLevels.get(i));
        }
    }
}
