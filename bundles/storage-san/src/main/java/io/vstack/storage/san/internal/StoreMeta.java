package io.vstack.storage.san.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * A store's metadata file: a readable, versioned properties file written crash-safely (temp file,
 * fsync, atomic rename, fsync of the directory).
 *
 * @param capacity  the store's capacity in bytes
 * @param blockSize the disk's block size in bytes
 * @param host      the host it was created for
 */
record StoreMeta(long capacity, int blockSize, String host) {

    static final String VERSION = "1";

    void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("version", VERSION);
        p.setProperty("capacity", Long.toString(capacity));
        p.setProperty("blockSize", Integer.toString(blockSize));
        p.setProperty("host", host);
        writeAtomically(file, p);
    }

    static StoreMeta read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        if (!VERSION.equals(p.getProperty("version"))) {
            throw new IOException(file + ": unsupported metadata version " + p.getProperty("version"));
        }
        try {
            return new StoreMeta(Long.parseLong(p.getProperty("capacity")), Integer.parseInt(p.getProperty("blockSize")),
                    p.getProperty("host", ""));
        } catch (NumberFormatException | NullPointerException e) {
            throw new IOException(file + ": corrupt metadata: " + e.getMessage(), e);
        }
    }

    /** Writes {@code properties} to {@code file} through a temp file, fsync and atomic rename. */
    static void writeAtomically(Path file, Properties properties) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            properties.store(out, "vstack store metadata");
        }
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(file.getParent());
    }

    static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException notSupported) {
            // some file systems cannot fsync a directory; the rename is still atomic
        }
    }

    /** A read-only 1 MiB buffer of zeros, shared by trims (duplicate it before use). */
    static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();
}
