package io.gatehouse.core.observe;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An appending file that rotates by size: before a write would take it past {@code maxSize}, {@code access.log}
 * becomes {@code access.log.1} (the older ones shift up to {@code .maxFiles}, the oldest is deleted) and a new
 * file is started. Used by one thread only (the access log's writer), so rotation never races a write.
 */
final class RotatingFile extends OutputStream {

    private static final System.Logger LOG = System.getLogger(RotatingFile.class.getName());

    private final Path file;
    private final long maxSize;
    private final int maxFiles;
    private OutputStream out;
    private long size;

    /**
     * @param maxSize  the size at which to rotate; 0 never rotates
     * @param maxFiles how many rotated files to keep ({@code file.1} ... {@code file.maxFiles}); 0 keeps none
     */
    RotatingFile(Path file, long maxSize, int maxFiles) throws IOException {
        this.file = file;
        this.maxSize = maxSize;
        this.maxFiles = maxFiles;
        open();
    }

    private void open() throws IOException {
        out = new java.io.BufferedOutputStream(new FileOutputStream(file.toFile(), true), 64 * 1024);
        size = Files.size(file);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (maxSize > 0 && size > 0 && size + length > maxSize) {
            rotate();
        }
        out.write(bytes, offset, length);
        size += length;
    }

    private void rotate() throws IOException {
        out.close();
        try {
            // only ever file and file.1 .. file.maxFiles, and never a folder of that name (nor what a link points to)
            for (int i = maxFiles; i >= 0; i--) {
                if (Files.isDirectory(numbered(i), LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException(numbered(i) + " is a folder");
                }
            }
            Files.deleteIfExists(numbered(maxFiles));
            for (int i = maxFiles - 1; i >= 1; i--) {
                Path from = numbered(i);
                if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(from, numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (maxFiles > 0) {
                Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // keep logging to the file as it is rather than stop (a full disk shows up when writing), and try
            // again once another max_size has been written, not before every line
            LOG.log(System.Logger.Level.WARNING, "rotating the access log " + file + " failed (trying again after "
                    + maxSize + " more bytes): " + e);
            open();
            size = 0;
            return;
        }
        open();
    }

    /** @return {@code file.n}, or {@code file} itself for 0 */
    private Path numbered(int n) {
        return n == 0 ? file : file.resolveSibling(file.getFileName() + "." + n);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
