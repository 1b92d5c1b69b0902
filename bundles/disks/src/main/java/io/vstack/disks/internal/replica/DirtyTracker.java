package io.vstack.disks.internal.replica;

import io.vstack.api.filter.IoFilter;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import io.vstack.support.BlockRangeLocks;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * The write tracking of one replicated disk: the {@code replica} filter's state. Every write or
 * trim marks its blocks dirty. {@link #seal} turns the dirty blocks into a {@link Delta} — a
 * consistent snapshot of those blocks at the seal: it waits for the writes in flight and holds new
 * ones for the instant it swaps the bitmap, and from then on a write to a block of the delta that
 * has not been read for shipping yet first copies the block's sealed content aside (copy on
 * write), so writes after the seal never leak into the delta.
 * <p>Thread-safe. Writes to different block ranges do not wait for each other; reading a run of
 * the delta holds writes to that run only.
 */
final class DirtyTracker implements IoFilter {

    private final String diskId;
    private final int blockSize;
    private final long blocks;
    private final AtomicLongArray dirty;
    private final BlockRangeLocks locks = new BlockRangeLocks(64, 4);
    private volatile Delta sealed;
    /** Called with each new delta while writes are held (tests read the disk's content at the seal there). */
    private volatile Consumer<Delta> sealObserver = d -> { };

    /** A tracker with every block dirty: the first delta is the whole disk. */
    DirtyTracker(String diskId, long capacity, int blockSize) {
        this.diskId = diskId;
        this.blockSize = blockSize;
        this.blocks = capacity / blockSize;
        this.dirty = new AtomicLongArray((int) ((blocks + 63) / 64));
        for (long b = 0; b < blocks; b++) {
            setBit(dirty, b);
        }
    }

    String diskId() {
        return diskId;
    }

    int blockSize() {
        return blockSize;
    }

    long blocks() {
        return blocks;
    }

    void sealObserver(Consumer<Delta> observer) {
        this.sealObserver = observer;
    }

    @Override
    public void submit(IoRequest request, IoChain next) throws IoException {
        if (request.op() != IoOp.WRITE && request.op() != IoOp.TRIM) {
            next.proceed(request);
            return;
        }
        long first = request.offset() / blockSize;
        long count = Math.max(1, (request.offset() + request.length() + blockSize - 1) / blockSize - first);
        locks.lockShared(first, count);
        try {
            Delta delta = sealed;
            if (delta != null) {
                delta.preserve(first, count, next);
            }
            for (long b = first; b < first + count; b++) {
                setBit(dirty, b);
            }
            next.proceed(request);
        } finally {
            locks.unlockShared(first, count);
        }
    }

    /** Blocks written since the last seal. */
    long dirtyBlocks() {
        return count(dirty);
    }

    private static long count(AtomicLongArray bits) {
        long n = 0;
        for (int i = 0; i < bits.length(); i++) {
            n += Long.bitCount(bits.get(i));
        }
        return n;
    }

    /**
     * Seals the blocks written so far as delta {@code sequence}; writes in flight finish first and
     * new ones wait for the swap. At most one delta is open: the previous one must be
     * {@linkplain #shipped shipped} or {@linkplain #abandon abandoned}.
     */
    Delta seal(long sequence) {
        if (sealed != null) {
            throw new IllegalStateException("disk " + diskId + ": delta " + sealed.sequence + " is still open");
        }
        locks.lockExclusive(0, blocks);
        try {
            AtomicLongArray bits = new AtomicLongArray(dirty.length());
            for (int i = 0; i < dirty.length(); i++) {
                bits.set(i, dirty.getAndSet(i, 0));
            }
            Delta delta = new Delta(sequence, bits, Instant.now());
            sealed = delta;
            sealObserver.accept(delta);
            return delta;
        } finally {
            locks.unlockExclusive(0, blocks);
        }
    }

    /** The recovery site holds {@code delta}: its blocks are clean. */
    void shipped(Delta delta) {
        if (sealed == delta) {
            sealed = null;
        }
    }

    /**
     * {@code delta} did not reach the recovery site: its blocks are dirty again, so the next delta
     * carries them (a resync from the bitmap), and the copies kept for it are dropped.
     */
    void abandon(Delta delta) {
        for (int i = 0; i < delta.bits.length(); i++) {
            long word = delta.bits.get(i);
            if (word != 0) {
                dirty.getAndUpdate(i, w -> w | word);
            }
        }
        if (sealed == delta) {
            sealed = null;
        }
        delta.copies.clear();
    }

    private static void setBit(AtomicLongArray bits, long b) {
        int word = (int) (b >>> 6);
        long mask = 1L << (b & 63);
        if ((bits.get(word) & mask) == 0) {
            bits.getAndUpdate(word, w -> w | mask);
        }
    }

    private static boolean bit(AtomicLongArray bits, long b) {
        return (bits.get((int) (b >>> 6)) & (1L << (b & 63))) != 0;
    }

    private static void clearBit(AtomicLongArray bits, long b) {
        long mask = ~(1L << (b & 63));
        bits.getAndUpdate((int) (b >>> 6), w -> w & mask);
    }

    /** Reads blocks of the disk at the tracker's level (below the filters above it). */
    @FunctionalInterface
    interface BlockReader {
        /** Fills {@code dst} from byte {@code offset}. */
        void read(long offset, ByteBuffer dst) throws IoException;
    }

    /**
     * The blocks of one seal. {@link #bits} are the blocks it carries; {@link #unread} those not yet
     * read for shipping, whose sealed content a write must copy aside first.
     */
    final class Delta {
        final long sequence;
        final Instant sealedAt;
        private final AtomicLongArray bits;
        private final AtomicLongArray unread;
        private final Map<Long, byte[]> copies = new ConcurrentHashMap<>();

        private Delta(long sequence, AtomicLongArray bits, Instant sealedAt) {
            this.sequence = sequence;
            this.bits = bits;
            this.sealedAt = sealedAt;
            this.unread = new AtomicLongArray(bits.length());
            for (int i = 0; i < bits.length(); i++) {
                unread.set(i, bits.get(i));
            }
        }

        /** How many blocks the delta carries. */
        long blocks() {
            return count(bits);
        }

        /** The first block of the delta at or after {@code from}, or -1. */
        long next(long from) {
            for (long b = from; b < blocks; ) {
                int word = (int) (b >>> 6);
                long w = bits.get(word) & (-1L << (b & 63));
                if (w != 0) {
                    long found = ((long) word << 6) + Long.numberOfTrailingZeros(w);
                    return found < blocks ? found : -1;
                }
                b = (long) (word + 1) << 6;
            }
            return -1;
        }

        /** Whether block {@code b} belongs to the delta. */
        boolean has(long b) {
            return b < blocks && bit(bits, b);
        }

        /** Called by a write with its range locked shared: copies the sealed content of unread blocks aside. */
        private void preserve(long first, long count, IoChain next) throws IoException {
            for (long b = first; b < first + count; b++) {
                if (bit(unread, b) && !copies.containsKey(b)) {
                    ByteBuffer old = ByteBuffer.allocate(blockSize);
                    next.proceed(IoRequest.of(IoOp.READ, diskId, b * blockSize, blockSize, old, "replica"));
                    copies.putIfAbsent(b, old.array());
                }
            }
        }

        /**
         * Reads the sealed content of blocks {@code [first, first + count)} (all of the delta) into
         * {@code dst} from its position: what the disk holds, or the copy kept when a write came first.
         */
        void read(long first, int count, BlockReader disk, ByteBuffer dst) throws IoException {
            locks.lockExclusive(first, count);
            try {
                int start = dst.position();
                ByteBuffer slice = dst.duplicate();
                slice.limit(start + count * blockSize);
                disk.read(first * blockSize, slice);
                for (long b = first; b < first + count; b++) {
                    byte[] copy = copies.remove(b);
                    if (copy != null) {
                        dst.put(start + (int) (b - first) * blockSize, copy);
                    }
                    clearBit(unread, b);
                }
                dst.position(start + count * blockSize);
            } finally {
                locks.unlockExclusive(first, count);
            }
        }
    }
}
