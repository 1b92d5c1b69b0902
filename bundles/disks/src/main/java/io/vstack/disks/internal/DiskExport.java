package io.vstack.disks.internal;

import io.vstack.api.UserText;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.io.IoException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a disk's bytes, as its handle reads them (through its filters and its chain), to a raw
 * image file: the image is written to {@code <file>.part}, synced, and renamed into place, so a
 * failed export leaves no partial image under the name. Runs of zeros are left as holes (the
 * image is sparse where the file system allows).
 */
public final class DiskExport {

    private static final int CHUNK = 1 << 20;

    /** What an export wrote: the image's size and the bytes that were not zeros. */
    public record Exported(long bytes, long dataBytes, long nanos) {
    }

    private DiskExport() {
    }

    /**
     * Exports {@code disk} to {@code file}, which must not exist.
     *
     * @throws IllegalArgumentException if the file exists or its directory does not
     * @throws IoException if a read of the disk fails (the image is not left behind)
     * @throws IOException if the file cannot be written
     */
    public static Exported export(VirtualDisk disk, Path file) throws IoException, IOException {
        if (Files.exists(file)) {
            throw new IllegalArgumentException("file " + UserText.quote(file.toString()) + " exists; remove it or choose another");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("directory " + UserText.quote(String.valueOf(parent)) + " of the image does not exist");
        }
        long capacity = disk.info().capacity();
        Path part = file.resolveSibling(file.getFileName() + ".part");
        long start = System.nanoTime();
        long data = 0;
        boolean done = false;
        try (DiskHandle handle = disk.open("disk:export");
             FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
            for (long at = 0; at < capacity; at += CHUNK) {
                buffer.clear().limit((int) Math.min(CHUNK, capacity - at));
                handle.read(at, buffer);
                buffer.flip();
                if (allZero(buffer)) {
                    continue;
                }
                data += buffer.remaining();
                while (buffer.hasRemaining()) {
                    out.write(buffer, at + buffer.position());
                }
            }
            out.truncate(capacity);
            if (out.size() < capacity) {
                out.write(ByteBuffer.allocate(1), capacity - 1);
            }
            out.force(true);
            done = true;
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException("file " + UserText.quote(part.toString()) + " exists (a failed export?); remove it", e);
        } finally {
            if (!done) {
                Files.deleteIfExists(part);
            }
        }
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
        return new Exported(capacity, data, System.nanoTime() - start);
    }

    private static boolean allZero(ByteBuffer buffer) {
        int i = buffer.position();
        int end = buffer.limit();
        for (; i + 8 <= end; i += 8) {
            if (buffer.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < end; i++) {
            if (buffer.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
