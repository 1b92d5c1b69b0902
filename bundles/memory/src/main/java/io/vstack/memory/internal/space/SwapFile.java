package io.vstack.memory.internal.space;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * Where a space's reclaimed pages go: a file of 4 KiB slots (mode 0600), created on the first
 * reclaim, deleted when the space is destroyed. A reclaimed page-table entry holds its slot.
 * <p>Not thread-safe: the owning space serializes calls.
 */
final class SwapFile implements AutoCloseable {

    private final Path path;
    private FileChannel channel;
    private int[] free = new int[16];
    private int freeCount;
    private long high;
    private long used;

    SwapFile(Path path) {
        this.path = path;
    }

    /** Writes the page [{@code offset}, +4 KiB) of {@code memory} to a free slot; returns the slot. */
    long write(ByteBuffer memory, int offset) throws IOException {
        long slot = freeCount > 0 ? free[--freeCount] : high;
        if (slot >= Pte.MAX_SLOTS) {
            throw new IOException("swap file " + path + " is full (" + Pte.MAX_SLOTS + " pages)");
        }
        ByteBuffer src = memory.slice(offset, PagedSpace.PAGE);
        long at = slot * PagedSpace.PAGE;
        try {
            while (src.hasRemaining()) {
                at += channel().write(src, at);
            }
        } catch (IOException e) {
            if (slot != high) {
                free[freeCount++] = (int) slot;
            }
            throw e;
        }
        if (slot == high) {
            high++;
        }
        used++;
        return slot;
    }

    /** Reads slot {@code slot} into [{@code offset}, +4 KiB) of {@code memory}. */
    void read(long slot, ByteBuffer memory, int offset) throws IOException {
        ByteBuffer dst = memory.slice(offset, PagedSpace.PAGE);
        long at = slot * PagedSpace.PAGE;
        while (dst.hasRemaining()) {
            int n = channel().read(dst, at);
            if (n < 0) {
                throw new IOException("swap file " + path + " ends before slot " + slot);
            }
            at += n;
        }
    }

    /** Frees slot {@code slot}. */
    void free(long slot) {
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, freeCount * 2);
        }
        free[freeCount++] = (int) slot;
        used--;
    }

    /** Slots holding a page. */
    long used() {
        return used;
    }

    private FileChannel channel() throws IOException {
        if (channel == null) {
            Files.createDirectories(path.getParent());
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.deleteIfExists(path);
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        }
        return channel;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
            Files.deleteIfExists(path);
        }
    }
}
