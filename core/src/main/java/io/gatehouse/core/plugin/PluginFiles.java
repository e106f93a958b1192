package io.gatehouse.core.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * What is in {@code plugins/}, by content: every JAR, ZIP and plugin folder with the SHA-256 of its bytes (of a
 * folder: of its files' names and bytes), so a file rewritten in place is seen as changed and a file merely touched
 * is not. A JAR or ZIP that cannot be read whole (a copy still being written) is <em>pending</em> until it stops
 * changing for {@link #SETTLED_NANOS}; then it is handed over as it is, and PF4J refuses it with a reason.
 */
final class PluginFiles {

    /** How long an unreadable file must stay the same before it counts as broken rather than half-written. */
    static final long SETTLED_NANOS = 2_000_000_000L;
    private static final int BLOCK = 64 * 1024;

    private final Map<String, Seen> unreadable = new HashMap<>();
    /** Where JARs and ZIPs are copied to be loaded, made on first use. */
    private Path copies;
    /** Copies made by a scan at start and not yet handed out: each is handed out once, then loads copy afresh. */
    private final Set<Path> unclaimed = new HashSet<>();

    /**
     * One plugin file or folder. {@code hash} is hex SHA-256; {@code readable} is false for a broken archive;
     * {@code copy} is the private copy of an archive made while it was hashed (at start), or {@code null}.
     */
    record Entry(String name, Path path, String hash, boolean archive, boolean readable, Path copy) {

        Entry(String name, Path path, String hash, boolean archive, boolean readable) {
            this(name, path, hash, archive, readable, null);
        }
    }

    /**
     * The plugins in {@code folder} now.
     *
     * @param settled whether an unreadable archive counts as broken at once (at start: nobody is writing it); each
     *                archive is then copied for loading as it is hashed
     * @return the entries by file name, and the names of the archives still being written
     */
    Scan scan(Path folder, boolean settled) {
        Map<String, Entry> entries = new TreeMap<>();
        List<String> pending = new java.util.ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return new Scan(entries, pending);
        }
        try (Stream<Path> list = Files.list(folder)) {
            for (Path path : list.sorted().toList()) {
                String name = path.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                String lower = name.toLowerCase(Locale.ROOT);
                boolean archive = lower.endsWith(".jar") || lower.endsWith(".zip");
                if (Files.isDirectory(path)) {
                    if (!Files.exists(folder.resolve(name + ".zip"))) {   // an unpacked ZIP of an older gateway
                        entries.put(name, new Entry(name, path, folderHash(path), false, true));
                    }
                } else if (archive && Files.isRegularFile(path)) {
                    Entry entry = archive(name, path, settled);
                    if (entry == null) {
                        pending.add(name);
                    } else {
                        entries.put(name, entry);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
        unreadable.keySet().retainAll(pending);
        return new Scan(entries, pending);
    }

    /** @param pending archives that could not be read whole yet; the caller looks again later */
    record Scan(Map<String, Entry> entries, List<String> pending) {
    }

    /** @return the entry, or {@code null} while the archive is unreadable and may still be being written */
    private Entry archive(String name, Path path, boolean settled) {
        if (settled) {
            return copied(name, path);
        }
        try {
            String hash = hash(path);
            if (readsWhole(path)) {
                unreadable.remove(name);
                return new Entry(name, path, hash, true, true);
            }
            Seen now = new Seen(hash, System.nanoTime());
            Seen before = unreadable.get(name);
            if (before != null && before.hash.equals(hash) && now.at - before.at >= SETTLED_NANOS) {
                return new Entry(name, path, hash, true, false);
            }
            if (before == null || !before.hash.equals(hash)) {
                unreadable.put(name, now);
            }
            return null;
        } catch (IOException e) {
            return null; // vanished or locked meanwhile: the next look decides
        }
    }

    private record Seen(String hash, long at) {
    }

    /**
     * At start nobody is writing {@code plugins/} and every archive there is loaded: each is copied where it is
     * loaded from and hashed in the same read, so the shipped plugins' 35 MB are read once, not once to hash and again
     * to copy (a cold JVM hashes them in 100 to 350 ms here). What is hashed is the copy's bytes, so the hash names
     * exactly what is loaded.
     *
     * @return the entry, or {@code null} when the archive vanished meanwhile (the next look decides)
     */
    private Entry copied(String name, Path path) {
        Path folder;
        try {
            folder = Files.createTempDirectory(copies(), "start-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a folder to copy " + path + " to (java.io.tmpdir: "
                    + System.getProperty("java.io.tmpdir") + ")", e);
        }
        try {
            Path copy = folder.resolve(name);
            String hash = copyHashing(path, copy);
            unclaimed.add(copy);
            return new Entry(name, path, hash, true, readsWhole(copy), copy);
        } catch (IOException e) {
            deleteTree(folder);
            if (Files.exists(path)) {   // the copy could not be written: as loadable says, not a pending file
                throw new UncheckedIOException("cannot copy " + path + " to " + copies, e);
            }
            return null;
        }
    }

    private Path copies() throws IOException {
        if (copies == null) {
            copies = Files.createTempDirectory("gatehouse-plugins-");
        }
        return copies;
    }

    /**
     * Copies a JAR or ZIP where rewriting {@code plugins/} cannot reach it (its own folder under a temporary one); a
     * ZIP is unpacked there. A plugin folder is loaded where it is.
     *
     * @return what to load, or {@code null} when the file changed since it was scanned (the next look takes it)
     */
    Path loadable(Entry entry) {
        if (!entry.archive()) {
            return entry.path();
        }
        try {
            Path copy = entry.copy();
            if (copy == null || !unclaimed.remove(copy)) {   // a later load of the same entry has a copy of its own
                Path folder = Files.createTempDirectory(copies(), entry.hash().substring(0, 16) + "-");
                copy = folder.resolve(entry.name());
                if (!copyHashing(entry.path(), copy).equals(entry.hash())) {
                    deleteTree(folder);
                    return null;
                }
            }
            return entry.name().toLowerCase(Locale.ROOT).endsWith(".zip") && entry.readable()
                    ? org.pf4j.util.FileUtils.expandIfZip(copy) : copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + entry.path() + " to " + copies, e);
        }
    }

    /** Deletes the private copy {@code loaded} was loaded from, if it is one. */
    void discard(Path loaded) {
        if (copies != null && loaded != null && loaded.startsWith(copies)) {
            deleteTree(copies.resolve(copies.relativize(loaded).getName(0)));
        }
    }

    /** Deletes every private copy. */
    void discardAll() {
        unclaimed.clear();
        if (copies != null) {
            deleteTree(copies);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.getLogger(PluginFiles.class.getName()).log(System.Logger.Level.DEBUG, "cannot delete {0}: {1}",
                    root, e.toString());
        }
    }

    /**
     * Whether the archive's central directory, written last, is there and names at least one entry: a copy still
     * being written (truncated first, then written from the start) has none yet. Reading only the directory, not
     * inflating every entry, keeps a start with the shipped plugins (35 MB of JARs) from paying for a check per
     * byte; a damaged entry still fails when PF4J or the class loader reads it, and the plugin is refused then.
     */
    static boolean readsWhole(Path archive) {
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            return zip.entries().hasMoreElements();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The hex SHA-256 of a file, read in blocks (a plugin JAR can be tens of megabytes: never held whole). */
    static String hash(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            pump(in, digest, null);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Copies {@code from} to the new file {@code to}, and returns the hex SHA-256 of what was copied. */
    private static String copyHashing(Path from, Path to) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(from);
             java.io.OutputStream out = Files.newOutputStream(to, java.nio.file.StandardOpenOption.CREATE_NEW)) {
            pump(in, digest, out);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String folderHash(Path folder) {
        MessageDigest digest = sha256();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                digest.update(folder.relativize(file).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update((byte) 0);
                try (InputStream in = Files.newInputStream(file)) {
                    pump(in, digest, null);
                }
            }
        } catch (IOException e) {
            digest.update(e.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Reads {@code in} to its end in blocks into {@code digest}, and into {@code out} unless it is null. */
    private static void pump(InputStream in, MessageDigest digest, java.io.OutputStream out) throws IOException {
        byte[] block = new byte[BLOCK];
        for (int n; (n = in.read(block)) > 0; ) {
            digest.update(block, 0, n);
            if (out != null) {
                out.write(block, 0, n);
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
