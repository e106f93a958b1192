package io.gatehouse.core.script;

import org.graalvm.polyglot.io.FileSystem;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The file system a script's Contexts see: the modules of one script version, read from {@code scripts/} by
 * {@link ModuleGraph} when the version loaded, served from memory. Paths are virtual: {@code /} is
 * {@code scripts/}, so {@code /lib/util.js}, {@code ./util.js} from {@code /lib/x.js} and the bare
 * {@code lib/util.js} name the same module. It never touches the disk: a path outside the snapshot (another
 * folder, {@code ../}, a symlink's target, {@code fs}) does not exist, and nothing can be written. Every Context a
 * version adds later sees the same files as its first, whatever has been saved since (the last-good-version rule).
 */
final class ModuleFiles implements FileSystem {

    static final ModuleFiles NONE = new ModuleFiles(Map.of());
    private static final Path ROOT = Path.of("/");
    private static final FileTime LOADED = FileTime.fromMillis(0);

    private final Map<String, byte[]> files;

    /** @param files module text by name relative to {@code scripts/} ({@code lib/util.js}) */
    ModuleFiles(Map<String, byte[]> files) {
        this.files = Map.copyOf(files);
    }

    /** The virtual path of a script or module named relative to {@code scripts/}. */
    static String pathOf(String name) {
        return "/" + name;
    }

    @Override
    public Path parsePath(URI uri) {
        if (!"file".equals(uri.getScheme())) {
            throw new UnsupportedOperationException("only modules under scripts/ can be imported, not " + uri);
        }
        return Path.of(uri.getPath());
    }

    @Override
    public Path parsePath(String path) {
        return Path.of(path);
    }

    @Override
    public void checkAccess(Path path, Set<? extends AccessMode> modes, LinkOption... options) throws IOException {
        if (modes.contains(AccessMode.WRITE) || modes.contains(AccessMode.EXECUTE)) {
            throw new AccessDeniedException(path.toString(), null, "scripts/ is read-only for scripts");
        }
        bytes(path);
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        throw new AccessDeniedException(dir.toString(), null, "scripts/ is read-only for scripts");
    }

    @Override
    public void delete(Path path) throws IOException {
        throw new AccessDeniedException(path.toString(), null, "scripts/ is read-only for scripts");
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        for (OpenOption option : options) {
            if (option != StandardOpenOption.READ && option != LinkOption.NOFOLLOW_LINKS) {
                throw new AccessDeniedException(path.toString(), null, "scripts/ is read-only for scripts");
            }
        }
        return new Channel(bytes(path));
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        throw new AccessDeniedException(dir.toString(), null, "scripts cannot list folders");
    }

    @Override
    public Path toAbsolutePath(Path path) {
        return path.isAbsolute() ? path : ROOT.resolve(path);
    }

    @Override
    public Path toRealPath(Path path, LinkOption... options) {
        return toAbsolutePath(path).normalize();
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        byte[] bytes = bytes(path);
        Map<String, Object> view = new HashMap<>();
        view.put("isRegularFile", true);
        view.put("isDirectory", false);
        view.put("isSymbolicLink", false);
        view.put("isOther", false);
        view.put("size", (long) bytes.length);
        view.put("lastModifiedTime", LOADED);
        view.put("lastAccessTime", LOADED);
        view.put("creationTime", LOADED);
        return view;
    }

    private byte[] bytes(Path path) throws NoSuchFileException {
        Path absolute = toRealPath(path);
        byte[] bytes = absolute.getNameCount() == 0 ? null
                : files.get(absolute.toString().substring(1).replace('\\', '/'));
        if (bytes == null) {
            throw new NoSuchFileException(path.toString());
        }
        return bytes;
    }

    /** A read-only channel over a module's bytes. */
    private static final class Channel implements SeekableByteChannel {
        private final byte[] bytes;
        private int position;
        private boolean open = true;

        Channel(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (position >= bytes.length) {
                return -1;
            }
            int n = Math.min(dst.remaining(), bytes.length - position);
            dst.put(bytes, position, n);
            position += n;
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new NonWritableChannelException();
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public SeekableByteChannel position(long newPosition) {
            position = (int) Math.min(newPosition, bytes.length);
            return this;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
