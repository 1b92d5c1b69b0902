package io.vstack.support;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Read/write locks over ranges of blocks, for filters that keep state beside each block (a
 * checksum, a cached copy) and must not let a reader see the data of one write with the state of
 * another. The blocks are striped: {@code 2^blocksPerStripeShift} consecutive blocks share a
 * stripe, and stripe numbers wrap around {@code stripes}. A range locks every stripe it touches,
 * always in increasing stripe order, so two ranges never deadlock; a range touching every
 * stripe locks them all.
 * <p>Thread-safe; locking allocates nothing. The locks are reentrant.
 */
public final class BlockRangeLocks {

    private final Lock[] shared;
    private final Lock[] exclusive;
    private final int shift;

    /**
     * @param stripes              how many locks, a power of two
     * @param blocksPerStripeShift log2 of the consecutive blocks that share a stripe (0: one block)
     * @throws IllegalArgumentException if {@code stripes} is not a positive power of two or the shift is negative
     */
    public BlockRangeLocks(int stripes, int blocksPerStripeShift) {
        if (stripes <= 0 || Integer.bitCount(stripes) != 1 || blocksPerStripeShift < 0 || blocksPerStripeShift > 40) {
            throw new IllegalArgumentException("stripes " + stripes + " must be a power of two and the shift "
                    + blocksPerStripeShift + " from 0 to 40");
        }
        this.shared = new Lock[stripes];
        this.exclusive = new Lock[stripes];
        this.shift = blocksPerStripeShift;
        for (int i = 0; i < stripes; i++) {
            ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
            shared[i] = lock.readLock();
            exclusive[i] = lock.writeLock();
        }
    }

    /** Locks blocks {@code [first, first + count)} for reading (other readers may hold them too). */
    public void lockShared(long first, long count) {
        apply(shared, first, count, true);
    }

    /** Releases what {@link #lockShared} took for the same range. */
    public void unlockShared(long first, long count) {
        apply(shared, first, count, false);
    }

    /** Locks blocks {@code [first, first + count)} for writing (no other holder). */
    public void lockExclusive(long first, long count) {
        apply(exclusive, first, count, true);
    }

    /** Releases what {@link #lockExclusive} took for the same range. */
    public void unlockExclusive(long first, long count) {
        apply(exclusive, first, count, false);
    }

    private void apply(Lock[] locks, long first, long count, boolean acquire) {
        long last = first + Math.max(count, 1) - 1;
        int stripes = locks.length;
        if ((last >>> shift) - (first >>> shift) >= stripes - 1) {
            run(locks, 0, stripes - 1, acquire);
            return;
        }
        int from = stripe(first, stripes);
        int to = stripe(last, stripes);
        if (from <= to) {
            run(locks, from, to, acquire);
        } else {
            run(locks, 0, to, acquire);
            run(locks, from, stripes - 1, acquire);
        }
    }

    private int stripe(long block, int stripes) {
        return (int) ((block >>> shift) & (stripes - 1));
    }

    private static void run(Lock[] locks, int from, int to, boolean acquire) {
        for (int i = from; i <= to; i++) {
            if (acquire) {
                locks[i].lock();
            } else {
                locks[i].unlock();
            }
        }
    }
}
