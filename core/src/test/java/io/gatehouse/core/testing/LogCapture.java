package io.gatehouse.core.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records what the gateway logs under a logger name (and below it) while open, to assert on what an operator would
 * read: how many lines a fault produced, what they say, whether any carries a stack trace.
 */
public final class LogCapture implements AutoCloseable {

    /** One record: its level, its message with parameters filled in, and the throwable attached, if any. */
    public record Line(Level level, String logger, String message, Throwable thrown) {
        @Override
        public String toString() {
            return level + " " + logger + ": " + message + (thrown == null ? "" : " [" + thrown + "]");
        }
    }

    private final Logger logger;
    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(new Line(record.getLevel(), record.getLoggerName(), message(record), record.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(String name) {
        this.logger = Logger.getLogger(name);
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    /** Starts recording what is logged under {@code name}, e.g. {@code io.gatehouse}. */
    public static LogCapture of(String name) {
        return new LogCapture(name);
    }

    /** @return the lines so far */
    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** @return the lines so far whose message contains {@code text} */
    public List<Line> containing(String text) {
        return lines.stream().filter(line -> line.message().contains(text)).toList();
    }

    /** Forgets the lines so far. */
    public void clear() {
        lines.clear();
    }

    private static String message(LogRecord record) {
        String text = record.getMessage();
        Object[] parameters = record.getParameters();
        if (text == null || parameters == null || parameters.length == 0) {
            return String.valueOf(text);
        }
        return java.text.MessageFormat.format(text, parameters);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
