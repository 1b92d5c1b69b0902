package io.vstack.support;

import io.vstack.api.storage.StorageException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.Properties;

/**
 * Crash-safe files for backends and services that keep their state in a directory: a file is
 * written to a temp file, fsynced and atomically renamed over the old one, then the directory is
 * fsynced, so after a crash it holds either the old content or the new, never a mix.
 * <p>Thread-safe (no state); every method blocks on the file system.
 */
public final class StoreFiles {

    /** Zeros written by {@link #fillZeros}; read-only, duplicated before each use. */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

    private StoreFiles() {
    }

    /** Something that writes a buffer at a byte offset: a store's own write path. */
    @FunctionalInterface
    public interface RangeWriter {
        /** Writes all of {@code src} at {@code offset}. */
        void write(long offset, ByteBuffer src) throws StorageException;
    }

    /**
     * Replaces {@code file} with {@code content} crash-safely (temp file {@code <name>.tmp}, fsync,
     * atomic rename, directory fsync), creating its directory if needed.
     */
    public static void writeAtomically(Path file, byte[] content) throws IOException {
        writeAtomically(file, content, false);
    }

    /**
     * As {@link #writeAtomically(Path, byte[])}; with {@code ownerOnly} the file is readable and
     * writable by its owner only (mode 0600 where the file system has POSIX permissions) from
     * its creation, for files that hold secrets.
     */
    public static void writeAtomically(Path file, byte[] content, boolean ownerOnly) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        boolean posix = ownerOnly && tmp.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        try (FileChannel channel = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                attributes)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.getParent());
    }

    /** Replaces {@code file} with {@code properties} (UTF-8, with a comment line) crash-safely. */
    public static void writeAtomically(Path file, Properties properties, String comment) throws IOException {
        StringWriter text = new StringWriter();
        properties.store(text, comment);
        writeAtomically(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a properties file written by {@link #writeAtomically(Path, Properties, String)}. */
    public static Properties readProperties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        return properties;
    }

    /** Deletes {@code file} if it exists and makes the deletion durable. */
    public static void deleteDurably(Path file) throws IOException {
        Files.deleteIfExists(file);
        syncDirectory(file.getParent());
    }

    /**
     * Makes a directory's entries (creations, renames, deletions) durable. Best effort: some file
     * systems cannot fsync a directory, and a rename is atomic there anyway.
     */
    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException notSupported) {
            // see the javadoc: nothing more can be done on such a file system
        }
    }

    /** Writes zeros over {@code [offset, offset + length)} through {@code writer}, 1 MiB at a time. */
    public static void fillZeros(long offset, long length, RangeWriter writer) throws StorageException {
        for (long done = 0; done < length; ) {
            ByteBuffer zeros = ZEROS.duplicate();
            zeros.limit((int) Math.min(zeros.capacity(), length - done));
            int n = zeros.remaining();
            writer.write(offset + done, zeros);
            done += n;
        }
    }
}
