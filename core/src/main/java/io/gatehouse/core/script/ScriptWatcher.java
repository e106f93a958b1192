package io.gatehouse.core.script;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Calls back with each file that changed under the scripts folder (and its subfolders, including ones created
 * later). A burst of events (an editor's write, rename, touch) is coalesced into one call per file.
 */
final class ScriptWatcher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ScriptWatcher.class.getName());
    private static final long SETTLE_MILLIS = 30;

    private final WatchService watcher;
    private final Thread thread;

    private ScriptWatcher(Path folder, Consumer<Path> onChange) throws IOException {
        this.watcher = FileSystems.getDefault().newWatchService();
        Files.createDirectories(folder);
        registerTree(folder);
        this.thread = Thread.ofPlatform().daemon().name("script-watcher").start(() -> loop(onChange));
    }

    static ScriptWatcher watch(Path folder, Consumer<Path> onChange) throws IOException {
        return new ScriptWatcher(folder, onChange);
    }

    private void registerTree(Path folder) throws IOException {
        try (Stream<Path> folders = Files.walk(folder)) {
            for (Path dir : (Iterable<Path>) folders.filter(Files::isDirectory)::iterator) {
                dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
    }

    private void loop(Consumer<Path> onChange) {
        try {
            while (true) {
                Set<Path> changed = new LinkedHashSet<>();
                drain(watcher.take(), changed);
                WatchKey more;
                while ((more = watcher.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    drain(more, changed);
                }
                for (Path file : changed) {
                    try {
                        onChange.accept(file);
                    } catch (RuntimeException e) {
                        LOG.log(Level.ERROR, "reloading " + file + " failed", e);
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    private void drain(WatchKey key, Set<Path> changed) {
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.context() instanceof Path name) {
                Path file = dir.resolve(name);
                if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(file)) {
                    try {
                        registerTree(file);
                    } catch (IOException e) {
                        LOG.log(Level.WARNING, "cannot watch {0}: {1}", file, e.getMessage());
                    }
                } else {
                    changed.add(file);
                }
            }
        }
        key.reset();
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException ignored) {
            // closing
        }
        thread.interrupt();
    }
}
