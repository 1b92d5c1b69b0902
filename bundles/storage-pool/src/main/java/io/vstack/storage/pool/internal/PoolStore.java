package io.vstack.storage.pool.internal;

import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageException;
import io.vstack.storage.pool.internal.PoolState.StoreMap;
import io.vstack.support.StoreFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A temporary disk's store in a pool: its I/O is redirected, pool block by pool block, to the
 * blocks its map names; unmapped blocks read as zeros and take a block on their first write.
 * <p>A first write that covers only part of a block that is not clean is written whole: the
 * caller's bytes merged into zeros in a per-thread buffer (the one copy in this class), so the
 * block's previous owner's bytes are gone before the block is mapped. A trim of a whole block
 * returns it to the pool; of part of a block, writes zeros there.
 * <p>Thread-safe: per virtual block, readers and writers of mapped blocks share the block's
 * stripe lock, while a first write or a trim holds it exclusively.
 */
final class PoolStore implements BlockStore {

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

    private final TempPool pool;
    private final StoreMap map;
    private final FileChannel data;
    private final int block;
    private final int shift;
    private final ThreadLocal<ByteBuffer> merge = new ThreadLocal<>();
    private final String readOp;
    private final String writeOp;
    private volatile boolean closed;

    PoolStore(TempPool pool, StoreMap map) {
        this.pool = pool;
        this.map = map;
        this.data = pool.data();
        this.block = pool.spec().blockSize();
        this.shift = Integer.numberOfTrailingZeros(block);
        this.readOp = "read of store " + map.id;
        this.writeOp = "write of store " + map.id;
    }

    @Override
    public String id() {
        return map.id;
    }

    @Override
    public long capacity() {
        return map.capacity;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws StorageException {
        checkRange("read", offset, dst.remaining());
        checkOpen();
        pool.simulate(readOp);
        int limit = dst.limit();
        try {
            long pos = offset;
            while (dst.hasRemaining()) {
                int v = (int) (pos >>> shift);
                int inner = (int) (pos & (block - 1));
                int n = Math.min(dst.remaining(), block - inner);
                dst.limit(dst.position() + n);
                ReentrantReadWriteLock.ReadLock lock = map.stripe(v).readLock();
                lock.lock();
                try {
                    long p = map.blocks[v];
                    if (p == PoolState.UNMAPPED) {
                        zeros(dst);
                    } else {
                        readFully(p * block + inner, dst, pos);
                    }
                } finally {
                    lock.unlock();
                }
                pos += n;
                dst.limit(limit);
            }
        } finally {
            dst.limit(limit);
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws StorageException {
        checkRange("write", offset, src.remaining());
        checkOpen();
        pool.simulate(writeOp);
        int limit = src.limit();
        try {
            long pos = offset;
            while (src.hasRemaining()) {
                int v = (int) (pos >>> shift);
                int inner = (int) (pos & (block - 1));
                int n = Math.min(src.remaining(), block - inner);
                src.limit(src.position() + n);
                if (!writeMapped(v, inner, src, pos)) {
                    firstWrite(v, inner, src, pos);
                }
                pos += n;
                src.limit(limit);
            }
        } finally {
            src.limit(limit);
        }
    }

    /** Writes into virtual block {@code v} if it is mapped; false if it is not. */
    private boolean writeMapped(int v, int inner, ByteBuffer src, long pos) throws StorageException {
        ReentrantReadWriteLock.ReadLock lock = map.stripe(v).readLock();
        lock.lock();
        try {
            long p = map.blocks[v];
            if (p == PoolState.UNMAPPED) {
                return false;
            }
            writeFully(p * block + inner, src, pos);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The first write to virtual block {@code v}: takes a pool block, zeroes or fully overwrites it, then maps it. */
    private void firstWrite(int v, int inner, ByteBuffer src, long pos) throws StorageException {
        ReentrantReadWriteLock.WriteLock lock = map.stripe(v).writeLock();
        lock.lock();
        try {
            checkOpen();
            if (map.blocks[v] != PoolState.UNMAPPED) {
                writeFully(map.blocks[v] * block + inner, src, pos);
                return;
            }
            long taken = pool.allocate(map);
            boolean clean = (taken & TempPool.CLEAN_FLAG) != 0;
            long p = taken & ~TempPool.CLEAN_FLAG;
            try {
                if (clean || (inner == 0 && src.remaining() == block)) {
                    writeFully(p * block + inner, src, pos);
                } else {
                    ByteBuffer whole = mergeBuffer();
                    zeros(whole);
                    whole.clear().position(inner);
                    whole.put(src);
                    whole.clear();
                    writeFully(p * block, whole, pos);
                }
            } catch (StorageException | RuntimeException e) {
                pool.abandon(map, p);
                throw e;
            }
            pool.publish(map, v, p);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws StorageException {
        checkOpen();
        pool.commit();
    }

    @Override
    public void trim(long offset, long length) throws StorageException {
        checkRange("trim", offset, length);
        checkOpen();
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            int v = (int) (pos >>> shift);
            int inner = (int) (pos & (block - 1));
            long n = Math.min(end - pos, block - inner);
            boolean whole = inner == 0 && (n == block || pos + n == map.capacity);
            ReentrantReadWriteLock.WriteLock lock = map.stripe(v).writeLock();
            lock.lock();
            try {
                long p = map.blocks[v];
                if (p != PoolState.UNMAPPED) {
                    if (whole) {
                        pool.release(map, v);
                    } else {
                        long where = pos;
                        StoreFiles.fillZeros(p * block + inner, n, (at, zeros) -> writeFully(at, zeros, where));
                    }
                }
            } finally {
                lock.unlock();
            }
            pos += n;
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    private void readFully(long at, ByteBuffer dst, long pos) throws StorageException {
        try {
            while (dst.hasRemaining()) {
                int r = data.read(dst, at);
                if (r < 0) {
                    throw new IOException("end of the pool file");
                }
                at += r;
            }
        } catch (IOException e) {
            throw failure("read", pos, e);
        }
    }

    private void writeFully(long at, ByteBuffer src, long pos) throws StorageException {
        try {
            while (src.hasRemaining()) {
                at += data.write(src, at);
            }
        } catch (IOException e) {
            throw failure("write", pos, e);
        }
    }

    private static void zeros(ByteBuffer dst) {
        while (dst.hasRemaining()) {
            ByteBuffer z = ZEROS.duplicate();
            z.limit(Math.min(z.capacity(), dst.remaining()));
            dst.put(z);
        }
    }

    private ByteBuffer mergeBuffer() {
        ByteBuffer b = merge.get();
        if (b == null) {
            b = ByteBuffer.allocateDirect(block);
            merge.set(b);
        }
        b.clear();
        return b;
    }

    private void checkOpen() throws StorageException {
        if (closed) {
            throw new StorageException(pool.prefix() + ": store " + map.id + " is closed");
        }
        if (map.deleted) {
            throw new StorageException(pool.prefix() + ": store " + map.id + " was deleted");
        }
    }

    private void checkRange(String op, long offset, long length) {
        if (offset < 0 || length < 0 || offset > map.capacity - length) {
            throw new IllegalArgumentException(pool.prefix() + ": store " + map.id + ": " + op + " of " + length
                    + " bytes at " + offset + " is outside its capacity " + map.capacity);
        }
    }

    private StorageException failure(String op, long pos, IOException e) {
        return new StorageException(pool.prefix() + ": store " + map.id + ": " + op + " at " + pos + " failed: "
                + e.getMessage(), e);
    }
}
