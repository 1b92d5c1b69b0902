package io.vstack.storage.shared.internal;

import io.vstack.api.storage.BlockStore;

import java.nio.ByteBuffer;

/** A block store in a byte array that can watch writes land. */
final class MemoryStore implements BlockStore {
    private final byte[] bytes;
    volatile Runnable onWrite = () -> { };

    MemoryStore(int capacity) {
        bytes = new byte[capacity];
    }

    @Override
    public String id() {
        return "memory";
    }

    @Override
    public long capacity() {
        return bytes.length;
    }

    @Override
    public synchronized void read(long offset, ByteBuffer dst) {
        dst.put(bytes, (int) offset, dst.remaining());
    }

    @Override
    public synchronized void write(long offset, ByteBuffer src) {
        onWrite.run();
        src.get(bytes, (int) offset, src.remaining());
    }

    @Override
    public void flush() {
    }

    @Override
    public void trim(long offset, long length) {
    }

    @Override
    public void close() {
    }
}
