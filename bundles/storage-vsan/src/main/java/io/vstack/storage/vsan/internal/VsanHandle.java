package io.vstack.storage.vsan.internal;

import io.vstack.support.StoreFiles;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageException;
import java.nio.ByteBuffer;

/** One opener's handle on a vSAN object. Thread-safe; allocates nothing per I/O while replicas answer. */
final class VsanHandle implements BlockStore {

    private final VsanObject object;
    private volatile boolean closed;

    VsanHandle(VsanObject object) {
        this.object = object;
    }

    @Override
    public String id() {
        return object.id;
    }

    @Override
    public long capacity() {
        return object.capacity;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws StorageException {
        int length = dst.remaining();
        check(offset, length);
        object.read(offset, dst);
        object.backend.reads.increment();
        object.backend.bytesRead.add(length);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws StorageException {
        int length = src.remaining();
        check(offset, length);
        object.write(offset, src);
        object.backend.writes.increment();
        object.backend.bytesWritten.add(length);
    }

    @Override
    public void flush() throws StorageException {
        check(0, 0);
        object.flush();
    }

    @Override
    public void trim(long offset, long length) throws StorageException {
        check(offset, length);
        StoreFiles.fillZeros(offset, length, object::write);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            object.backend.release(object);
        }
    }

    private void check(long offset, long length) throws StorageException {
        if (closed) {
            throw new StorageException(object.backend.name() + ": object " + object.id + " is closed");
        }
        if (offset < 0 || length < 0 || offset > object.capacity - length) {
            throw new IllegalArgumentException(object.backend.name() + ": object " + object.id + ": range " + offset
                    + "+" + length + " is outside its capacity " + object.capacity);
        }
    }
}
