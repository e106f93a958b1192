package io.gatehouse.core.reload;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;

/**
 * Calls back when the config file changes. Watches the file's folder (editors often replace a file by renaming a
 * new one over it) and coalesces a burst of events into one call.
 */
public final class ConfigWatcher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ConfigWatcher.class.getName());
    private static final long SETTLE_MILLIS = 50;

    private final WatchService watcher;
    private final Thread thread;

    private ConfigWatcher(Path file, Runnable onChange) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Path name = file.getFileName();
        this.watcher = FileSystems.getDefault().newWatchService();
        folder.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = Thread.ofPlatform().daemon().name("config-watcher").start(() -> loop(name, onChange));
    }

    /** Starts watching {@code file}; {@code onChange} runs on the watcher's thread. */
    public static ConfigWatcher watch(Path file, Runnable onChange) throws IOException {
        return new ConfigWatcher(file, onChange);
    }

    private void loop(Path name, Runnable onChange) {
        try {
            while (true) {
                WatchKey key = watcher.take();
                boolean relevant = drain(key, name);
                // let the writer finish and gather the rest of the burst into one reload
                WatchKey more;
                while ((more = watcher.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    relevant |= drain(more, name);
                }
                if (relevant) {
                    try {
                        onChange.run();
                    } catch (RuntimeException | Error e) {
                        // whatever one reload ran into, the next edit must still be seen
                        LOG.log(Level.ERROR, "config reload failed; still watching " + name, e);
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    private static boolean drain(WatchKey key, Path name) {
        boolean relevant = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW || name.equals(event.context())) {
                relevant = true;
            }
        }
        key.reset();
        return relevant;
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
