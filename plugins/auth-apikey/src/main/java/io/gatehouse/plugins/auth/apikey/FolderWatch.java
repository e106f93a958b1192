package io.gatehouse.plugins.auth.apikey;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tells listeners when anything changes in a folder. One {@link WatchService} (one inotify instance on Linux, of
 * which a user has few) and one thread serve every key and user file of the plugin, however many routes name one;
 * both are closed when the last listener leaves.
 *
 * <p>A listener hears of any change in its file's folder, not just to its file: editors replace a file by renaming
 * another over it, and Kubernetes swaps a symlinked folder, so the file's own name may never appear in an event.
 * Listeners compare the file's content with what they loaded and ignore the rest. A burst of events is gathered into
 * one call.
 */
final class FolderWatch {

    private static final System.Logger LOG = System.getLogger(FolderWatch.class.getName());
    private static final long SETTLE_MILLIS = 50;
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static WatchService service;
    private static final Map<Path, Folder> FOLDERS = new HashMap<>();

    private record Folder(WatchKey key, List<Runnable> listeners) {
    }

    private FolderWatch() {
    }

    /**
     * Calls {@code onChange} (on the watch thread) after anything changed in the folder of {@code file}.
     *
     * @return stops the calls
     * @throws IOException if the folder cannot be watched (it does not exist, for one)
     */
    static AutoCloseable watch(Path file, Runnable onChange) throws IOException {
        Path folder = file.toAbsolutePath().normalize().getParent();
        LOCK.lock();
        try {
            if (service == null) {
                service = FileSystems.getDefault().newWatchService();
                WatchService watching = service;
                Thread.ofVirtual().name("auth-file-watch").start(() -> loop(watching));
            }
            Folder watched = FOLDERS.get(folder);
            if (watched == null) {
                WatchKey key = folder.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
                watched = new Folder(key, new CopyOnWriteArrayList<>());
                FOLDERS.put(folder, watched);
            }
            watched.listeners().add(onChange);
        } finally {
            LOCK.unlock();
        }
        return () -> stop(folder, onChange);
    }

    private static void stop(Path folder, Runnable onChange) throws IOException {
        LOCK.lock();
        try {
            Folder watched = FOLDERS.get(folder);
            if (watched == null || !watched.listeners().remove(onChange) || !watched.listeners().isEmpty()) {
                return;
            }
            watched.key().cancel();
            FOLDERS.remove(folder);
            if (FOLDERS.isEmpty()) {
                service.close();
                service = null;
            }
        } finally {
            LOCK.unlock();
        }
    }

    private static void loop(WatchService watching) {
        try {
            while (true) {
                Set<Path> changed = new LinkedHashSet<>();
                collect(watching.take(), changed);
                for (WatchKey more; (more = watching.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null; ) {
                    collect(more, changed);
                }
                for (Path folder : changed) {
                    for (Runnable listener : listeners(folder)) {
                        try {
                            listener.run();
                        } catch (RuntimeException | Error e) {
                            // one listener's failure must not stop the others, nor the watching
                            LOG.log(Level.ERROR, "reloading a file in " + folder + " failed", e);
                        }
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // the last listener left
        }
    }

    private static void collect(WatchKey key, Set<Path> changed) {
        key.pollEvents();
        key.reset();
        changed.add((Path) key.watchable());
    }

    private static List<Runnable> listeners(Path folder) {
        LOCK.lock();
        try {
            Folder watched = FOLDERS.get(folder);
            return watched == null ? List.of() : new ArrayList<>(watched.listeners());
        } finally {
            LOCK.unlock();
        }
    }
}
