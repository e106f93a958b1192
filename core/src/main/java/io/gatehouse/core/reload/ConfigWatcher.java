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
import java.util.function.BooleanSupplier;

/**
 * Calls back when the config file changes. Watches the file's folder (editors often replace a file by renaming a
 * new one over it) and coalesces a burst of events into one call. {@link #watchFolder} watches a whole folder
 * ({@code plugins/}) the same way, and calls back again a little later while the callback says it must.
 */
public final class ConfigWatcher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ConfigWatcher.class.getName());
    private static final long SETTLE_MILLIS = 50;
    /** How soon a callback that asked for it is called again without a new event (a file still being written). */
    private static final long RETRY_MILLIS = 500;

    private final WatchService watcher;
    private final Thread thread;

    /** @param name the file in {@code folder} that matters, or {@code null} for every entry */
    private ConfigWatcher(Path folder, Path name, long settleMillis, String threadName, BooleanSupplier onChange)
            throws IOException {
        this.watcher = FileSystems.getDefault().newWatchService();
        folder.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = Thread.ofPlatform().daemon().name(threadName)
                .start(() -> loop(name, settleMillis, onChange));
    }

    /** Starts watching {@code file}; {@code onChange} runs on the watcher's thread. */
    public static ConfigWatcher watch(Path file, Runnable onChange) throws IOException {
        return new ConfigWatcher(file.toAbsolutePath().getParent(), file.getFileName(), SETTLE_MILLIS,
                "config-watcher", () -> {
                    onChange.run();
                    return false;
                });
    }

    /**
     * Starts watching every entry of {@code folder}; {@code onChange} runs on the watcher's thread once a burst of
     * events has been quiet for {@code settleMillis}, and returns whether it wants to be called again soon even
     * without another event.
     */
    public static ConfigWatcher watchFolder(Path folder, long settleMillis, BooleanSupplier onChange)
            throws IOException {
        return new ConfigWatcher(folder, null, settleMillis, "plugins-watcher", onChange);
    }

    private void loop(Path name, long settleMillis, BooleanSupplier onChange) {
        boolean again = false;
        try {
            while (true) {
                WatchKey key = again ? watcher.poll(RETRY_MILLIS, TimeUnit.MILLISECONDS) : watcher.take();
                boolean relevant = again || drain(key, name);
                if (key != null && again) {
                    drain(key, name);
                }
                // let the writer finish and gather the rest of the burst into one reload
                WatchKey more;
                while ((more = watcher.poll(settleMillis, TimeUnit.MILLISECONDS)) != null) {
                    relevant |= drain(more, name);
                }
                again = false;
                if (relevant) {
                    try {
                        again = onChange.getAsBoolean();
                    } catch (RuntimeException | Error e) {
                        // whatever one reload ran into, the next edit must still be seen
                        LOG.log(Level.ERROR, (name == null ? "plugins reload failed; still watching" : "config reload failed; still watching " + name), e);
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
            if (event.kind() == StandardWatchEventKinds.OVERFLOW || name == null || name.equals(event.context())) {
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
