package io.vstack.storage.san.internal;

import io.vstack.support.StoreFiles;
import io.vstack.support.StoreMetadata;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An open LUN: positional I/O on its extent file, on the caller's buffer, each operation issued
 * over one of the array's paths. Thread-safe; allocates nothing per I/O.
 */
final class Lun implements BlockStore {

    private final SanBackend array;
    private final String id;
    private final StoreMetadata geometry;
    private final FileChannel channel;
    private volatile boolean closed;

    Lun(SanBackend array, String id, StoreMetadata geometry, Path file) throws IOException {
        this.array = array;
        this.id = id;
        this.geometry = geometry;
        this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long capacity() {
        return geometry.capacity();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws StorageException {
        int length = dst.remaining();
        check(offset, length);
        array.issue(this, SanBackend.READ, offset, dst);
        array.reads.increment();
        array.bytesRead.add(length);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws StorageException {
        int length = src.remaining();
        check(offset, length);
        array.issue(this, SanBackend.WRITE, offset, src);
        array.writes.increment();
        array.bytesWritten.add(length);
    }

    @Override
    public void flush() throws StorageException {
        check(0, 0);
        array.issue(this, SanBackend.FLUSH, 0, null);
    }

    @Override
    public void trim(long offset, long length) throws StorageException {
        check(offset, length);
        // A thick LUN keeps its extent: an unmapped range reads back as zeros.
        StoreFiles.fillZeros(offset, length, (at, zeros) -> array.issue(this, SanBackend.WRITE, at, zeros));
    }

    @Override
    public void close() throws StorageException {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw new StorageException(array.name() + ": closing LUN " + id + " failed: " + e.getMessage(), e);
        }
    }

    private void check(long offset, long length) throws StorageException {
        if (closed) {
            throw new StorageException(array.name() + ": LUN " + id + " is closed");
        }
        if (offset < 0 || length < 0 || offset > geometry.capacity() - length) {
            throw new IllegalArgumentException(array.name() + ": LUN " + id + ": range " + offset + "+" + length
                    + " is outside its capacity " + geometry.capacity());
        }
    }

    void readAt(long offset, ByteBuffer dst) throws IOException {
        int start = dst.position();
        while (dst.hasRemaining()) {
            int n = channel.read(dst, offset + dst.position() - start);
            if (n < 0) {
                while (dst.hasRemaining()) {
                    dst.put((byte) 0);
                }
            }
        }
    }

    void writeAt(long offset, ByteBuffer src) throws IOException {
        int start = src.position();
        while (src.hasRemaining()) {
            channel.write(src, offset + src.position() - start);
        }
    }

    void force() throws IOException {
        channel.force(false);
    }

    StorageException failure(int op, long offset, IOException e) {
        if (e instanceof ClosedChannelException) {
            return new StorageException(array.name() + ": LUN " + id + " is closed", e);
        }
        return new StorageException(array.name() + ": LUN " + id + ": " + opName(op)
                + (op == SanBackend.FLUSH ? "" : " at " + offset) + " failed: " + e.getMessage(), e);
    }

    static String opName(int op) {
        return switch (op) {
            case SanBackend.READ -> "read";
            case SanBackend.WRITE -> "write";
            default -> "flush";
        };
    }
}
