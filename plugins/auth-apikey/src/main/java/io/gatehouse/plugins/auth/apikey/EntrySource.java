package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.api.Problems;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The entries a filter serves from: the inline ones of its config plus, optionally, those of a file that is watched
 * and reloaded when its content changes. A reload that finds the file missing, unreadable or invalid keeps the table
 * in use and logs why (once per content); a valid one replaces the table whole, so a key or user removed from the
 * file is refused from the next request on.
 *
 * <p>Kept in the component's state, so that a config reload that leaves the filter unchanged keeps the table and the
 * watch. Thread-safe: requests read {@link #current()}, the watch thread reloads.
 *
 * @param <S> the lookup table
 */
final class EntrySource<E extends Record, S> implements AutoCloseable {

    private final Catalog<E, S> catalog;
    private final List<EntryFile.Located<E>> inline;
    private final Path file;
    private final String fileName;
    private final String location;
    private final System.Logger logger;
    private final Runnable onChange;
    private final ReentrantLock reloading = new ReentrantLock();
    private volatile S current;
    private byte[] lastSeen;
    private AutoCloseable watch;

    private EntrySource(Catalog<E, S> catalog, List<E> inline, String inlineKey, Path home, String fileName,
                        String location, System.Logger logger, Runnable onChange) {
        this.catalog = catalog;
        this.inline = new ArrayList<>();
        for (int i = 0; i < inline.size(); i++) {
            this.inline.add(new EntryFile.Located<>(inlineKey + "[" + i + "]", inline.get(i)));
        }
        this.fileName = fileName;
        this.file = fileName == null ? null : home.resolve(fileName);
        this.location = location;
        this.logger = logger;
        this.onChange = onChange;
    }

    /**
     * Loads the entries and starts watching the file, if there is one.
     *
     * @param inline    the entries of the config, already validated
     * @param inlineKey their key in the config, e.g. {@code keys}
     * @param home      what a relative file name is resolved against
     * @param fileName  the file as configured, or {@code null} for none
     * @param location  where the filter sits in the config, for log lines
     * @param onChange  called after a reload replaced the table
     * @throws IllegalArgumentException if the file cannot be read or its entries are invalid, with every problem
     * @throws IOException              if the file's folder cannot be watched
     */
    static <E extends Record, S> EntrySource<E, S> open(Catalog<E, S> catalog, List<E> inline, String inlineKey,
                                                        Path home, String fileName, String location,
                                                        System.Logger logger, Runnable onChange) throws IOException {
        EntrySource<E, S> source = new EntrySource<>(catalog, inline, inlineKey, home, fileName, location, logger,
                onChange);
        ProblemList problems = new ProblemList();
        byte[] content = source.file == null ? null : source.read(problems);
        S table = problems.isEmpty() ? source.load(content, problems) : null;
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(source.describe() + ": " + problems);
        }
        source.current = table;
        source.lastSeen = content == null ? null : digest(content);
        if (source.file != null) {
            source.watch = FolderWatch.watch(source.file, source::reload);
            source.reload(); // a change between the first read and the start of the watch
        }
        return source;
    }

    /** @return the table to serve the next request from */
    S current() {
        return current;
    }

    /**
     * Reads the file again; when its content changed since it was last read, applies it or, if it is not valid,
     * keeps the table in use and logs why.
     */
    void reload() {
        reloading.lock();
        try {
            ProblemList problems = new ProblemList();
            byte[] content = read(problems);
            byte[] seen = content == null ? new byte[0] : digest(content);
            if (Arrays.equals(seen, lastSeen)) {
                return;
            }
            lastSeen = seen;
            S table = problems.isEmpty() ? load(content, problems) : null;
            if (!problems.isEmpty()) {
                logger.log(Level.WARNING, () -> location + ": " + describe() + " not applied, still serving the "
                        + catalog.size(current) + " " + catalog.noun() + " loaded before: " + problems);
                return;
            }
            current = table;
            logger.log(Level.INFO, () -> location + ": " + describe() + " reloaded, now "
                    + catalog.size(table) + " " + catalog.noun());
            onChange.run();
        } finally {
            reloading.unlock();
        }
    }

    private String describe() {
        return catalog.noun() + " file " + fileName;
    }

    /** The file's bytes, or {@code null} with a problem. */
    private byte[] read(Problems problems) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            problems.add("", "no such file: " + file);
        } catch (IOException e) {
            problems.add("", "cannot read " + file + ": " + e.getClass().getSimpleName());
        }
        return null;
    }

    /** The table of the inline entries and the file's, or {@code null} with problems. */
    private S load(byte[] content, ProblemList problems) {
        List<EntryFile.Located<E>> entries = new ArrayList<>(inline);
        if (content != null) {
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(content)).toString();
            } catch (CharacterCodingException e) {
                problems.add("", "not UTF-8 text");
                return null;
            }
            entries.addAll(EntryFile.parse(text, catalog.type(), catalog, problems));
        }
        if (!problems.isEmpty()) {
            return null;
        }
        S table = catalog.build(entries, problems);
        return problems.isEmpty() ? table : null;
    }

    private static byte[] digest(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public void close() throws Exception {
        if (watch != null) {
            watch.close();
        }
    }

    /** Problems with their paths, for a log line or an exception message. */
    static final class ProblemList implements Problems {
        private final List<String> lines = new ArrayList<>();

        @Override
        public void add(String path, String message) {
            lines.add(path.isEmpty() ? message : path + ": " + message);
        }

        boolean isEmpty() {
            return lines.isEmpty();
        }

        @Override
        public String toString() {
            return String.join("; ", lines);
        }
    }
}
