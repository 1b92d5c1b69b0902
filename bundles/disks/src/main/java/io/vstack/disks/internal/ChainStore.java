package io.vstack.disks.internal;

import io.vstack.api.io.InvalidIoException;
import io.vstack.api.io.IoException;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.StampedLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bottom stage of a disk's data path, below its filters: the differencing layer over the
 * stores of the disk and its ancestors ({@link #members}: this disk first, its base last).
 * <p><b>Reads</b> take each block from the nearest member that holds it: {@link #holder} keeps,
 * per block, the index of that member (built at open from the members' allocation bitmaps and
 * updated by writes), so a lookup is one array read whatever the depth. Runs of blocks with the
 * same holder go to its store in one call. The base (the member without a parent) holds every
 * block: its store reads zeros where nothing was written.
 * <p><b>Writes</b> go to this disk's own store. On a differencing disk a block's bit in
 * {@link #bitmap} is set once its data write returned; a write that covers part of a block this
 * disk does not hold yet first copies the block's bytes from its holder (copy on write, under an
 * exclusive lock; whole-block writes to unheld blocks share that lock, writes to held blocks take
 * none). A trim on a differencing disk makes the blocks this disk's (zeros).
 * <p><b>Flush</b> snapshots the bits, flushes the store, then persists the snapshot: a bit is
 * never durable before its data (see {@link AllocationBitmap}).
 * <p>A disk with children is immutable: writes and trims fail with an {@link InvalidIoException}
 * naming the children. Thread-safe; reads allocate nothing.
 */
final class ChainStore {

    private static final Logger LOG = LoggerFactory.getLogger(ChainStore.class);

    /** One member: its runtime (for its content version) and its store as opened for this chain. */
    record Member(DiskRuntime disk, String backend, BlockStore store) {
    }

    private final DiskRuntime top;
    private final Member[] layers;
    private final List<String> members;
    private final byte[] holder;
    private final AllocationBitmap bitmap;
    private final Path bitmapFile;
    private final int shift;
    private final int blockSize;
    private final long capacity;
    private final StampedLock cow = new StampedLock();
    private final Object persistLock = new Object();

    /**
     * @param layers     the members, top first; their stores belong to this object from now on
     * @param bitmaps    the allocation bitmap of each member but the last (the base), top first
     * @param bitmapFile the top's bitmap file, null if the top is a base
     */
    ChainStore(DiskRuntime top, List<Member> layers, List<AllocationBitmap> bitmaps, Path bitmapFile) {
        this.top = top;
        this.layers = layers.toArray(new Member[0]);
        this.members = layers.stream().map(m -> m.disk().id).toList();
        this.blockSize = top.metadata().blockSize();
        this.capacity = top.metadata().capacity();
        this.shift = Integer.numberOfTrailingZeros(blockSize);
        if (this.layers.length > Byte.MAX_VALUE) {
            throw new IllegalArgumentException("disk " + top.id + ": a chain of " + this.layers.length
                    + " disks is deeper than " + Byte.MAX_VALUE);
        }
        if (bitmaps.size() != this.layers.length - 1) {
            throw new IllegalArgumentException("one bitmap per differencing member");
        }
        if (this.layers.length == 1) {
            holder = null;
            bitmap = null;
            this.bitmapFile = null;
        } else {
            long blocks = capacity >>> shift;
            if (blocks > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("disk " + top.id + ": " + blocks + " blocks are too many for a differencing disk");
            }
            holder = new byte[(int) blocks];
            Arrays.fill(holder, (byte) (this.layers.length - 1));
            for (int i = bitmaps.size() - 1; i >= 0; i--) {
                AllocationBitmap b = bitmaps.get(i);
                for (int w = 0; w < b.wordCount(); w++) {
                    long word = b.word(w);
                    while (word != 0) {
                        int bit = Long.numberOfTrailingZeros(word);
                        long block = ((long) w << 6) + bit;
                        if (block < blocks) {
                            holder[(int) block] = (byte) i;
                        }
                        word &= word - 1;
                    }
                }
            }
            bitmap = bitmaps.get(0);
            this.bitmapFile = bitmapFile;
        }
    }

    /** The ids of the members, this disk first. */
    List<String> members() {
        return members;
    }

    /** The index of the member that holds {@code block}. */
    int holderOf(long block) {
        if (block < 0 || block >= (capacity >>> shift)) {
            throw new IllegalArgumentException("block " + block + " is outside disk " + top.id + " ("
                    + (capacity >>> shift) + " blocks)");
        }
        return holder == null ? 0 : holder[(int) block];
    }

    long contentVersion(int index) {
        return layers[index].disk().metadata().contentVersion();
    }

    /** This disk's own allocation bitmap, null for a base. */
    AllocationBitmap bitmap() {
        return bitmap;
    }

    /** The store of member {@code index}. */
    BlockStore store(int index) {
        return layers[index].store();
    }

    boolean usesBackend(String backend) {
        for (Member m : layers) {
            if (m.backend().equals(backend)) {
                return true;
            }
        }
        return false;
    }

    // ---- data path ----------------------------------------------------------------------------

    void read(long offset, ByteBuffer dst) throws StorageException {
        byte[] h = holder;
        if (h == null) {
            layers[0].store().read(offset, dst);
            return;
        }
        long end = offset + dst.remaining();
        int limit = dst.limit();
        try {
            long pos = offset;
            while (pos < end) {
                long block = pos >>> shift;
                int who = h[(int) block];
                long runEnd = Math.min(end, (block + 1) << shift);
                while (runEnd < end && h[(int) (runEnd >>> shift)] == who) {
                    runEnd = Math.min(end, runEnd + blockSize);
                }
                dst.limit(dst.position() + (int) (runEnd - pos));
                layers[who].store().read(pos, dst);
                pos = runEnd;
            }
        } finally {
            dst.limit(limit);
        }
    }

    void write(long offset, ByteBuffer src) throws IoException {
        checkWritable("write");
        if (holder == null) {
            layers[0].store().write(offset, src);
            return;
        }
        if (!src.hasRemaining()) {
            return;
        }
        long end = offset + src.remaining();
        int mask = blockSize - 1;
        if ((offset & mask) != 0 || (end & mask) != 0) {
            writePartial(offset, src);
            return;
        }
        if (allHeld(offset, end)) {
            layers[0].store().write(offset, src);
            return;
        }
        long stamp = cow.readLock();
        try {
            layers[0].store().write(offset, src);
            markHeld(offset, end);
        } finally {
            cow.unlockRead(stamp);
        }
    }

    private boolean allHeld(long offset, long end) {
        for (long b = offset >>> shift, last = (end - 1) >>> shift; b <= last; b++) {
            if (holder[(int) b] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Sets the bits of the whole blocks in [offset, end) and makes this disk their holder. */
    private void markHeld(long offset, long end) {
        for (long b = offset >>> shift, last = (end - 1) >>> shift; b <= last; b++) {
            bitmap.set(b);
            holder[(int) b] = 0;
        }
    }

    /** A write that covers part of a block: block by block, copying unheld blocks from their holder first. */
    private void writePartial(long offset, ByteBuffer src) throws IoException {
        long stamp = cow.writeLock();
        int limit = src.limit();
        try {
            long end = offset + src.remaining();
            ByteBuffer scratch = null;
            long pos = offset;
            while (pos < end) {
                long block = pos >>> shift;
                long blockStart = block << shift;
                long partEnd = Math.min(end, blockStart + blockSize);
                int length = (int) (partEnd - pos);
                src.limit(src.position() + length);
                if (holder[(int) block] == 0 || (pos == blockStart && length == blockSize)) {
                    layers[0].store().write(pos, src);
                } else {
                    if (scratch == null) {
                        scratch = ByteBuffer.allocateDirect(blockSize);
                    }
                    scratch.clear();
                    layers[holder[(int) block]].store().read(blockStart, scratch);
                    scratch.clear();
                    scratch.put((int) (pos - blockStart), src, src.position(), length);
                    src.position(src.limit());
                    layers[0].store().write(blockStart, scratch);
                }
                bitmap.set(block);
                holder[(int) block] = 0;
                pos = partEnd;
            }
        } finally {
            src.limit(limit);
            cow.unlockWrite(stamp);
        }
    }

    void trim(long offset, long length) throws IoException {
        checkWritable("trim");
        if (holder == null) {
            layers[0].store().trim(offset, length);
            return;
        }
        long end = offset + length;
        int mask = blockSize - 1;
        long first = (offset + mask) & ~(long) mask;
        long last = end & ~(long) mask;
        if (first > offset || last < end) {
            // Edges that cover part of a block: this disk's copy of them, with zeros in the range.
            long headEnd = Math.min(end, first);
            if (headEnd > offset) {
                writePartial(offset, ByteBuffer.allocateDirect((int) (headEnd - offset)));
            }
            if (last < end && last >= first) {
                writePartial(last, ByteBuffer.allocateDirect((int) (end - last)));
            }
        }
        if (last > first) {
            long stamp = cow.readLock();
            try {
                layers[0].store().trim(first, last - first);
                markHeld(first, last);
            } finally {
                cow.unlockRead(stamp);
            }
        }
    }

    /** Makes acknowledged writes durable: the store first, then the bits that describe them. */
    void flush() throws IoException {
        if (bitmap == null) {
            layers[0].store().flush();
            return;
        }
        AllocationBitmap.Snapshot snapshot = bitmap.snapshot();
        layers[0].store().flush();
        persist(snapshot);
    }

    /** Flushes before a change of the chain; a failure refuses the change. */
    void flushForChange() throws io.vstack.api.disk.DiskException {
        try {
            flush();
        } catch (IoException e) {
            throw new io.vstack.api.disk.DiskException("disk " + top.id + " cannot be flushed, nothing was changed: "
                    + e.getMessage(), e);
        }
    }

    private void persist(AllocationBitmap.Snapshot snapshot) throws IoException {
        synchronized (persistLock) {
            try {
                bitmap.persistIfNewer(bitmapFile, snapshot);
            } catch (IOException e) {
                throw new StorageException("disk " + top.id + ": its data is flushed but its allocation bitmap "
                        + bitmapFile + " cannot be written: " + e.getMessage(), e);
            }
        }
    }

    private void checkWritable(String what) throws InvalidIoException {
        String reason = top.immutableReason();
        if (reason != null) {
            throw new InvalidIoException("disk " + top.id + ": cannot " + what + ": " + reason);
        }
    }

    /** Flushes (a clean stop keeps every acknowledged write), then closes the stores of every member. */
    void close() {
        try {
            flush();
        } catch (IoException | RuntimeException e) {
            LOG.warn("disk {}: flushing before close failed; writes since the last flush may be lost: {}", top.id,
                    e.getMessage(), e);
        }
        for (Member m : layers) {
            try {
                m.store().close();
            } catch (StorageException e) {
                LOG.warn("disk {}: closing the store of chain member {} failed: {}", top.id, m.disk().id, e.getMessage(), e);
            }
        }
    }
}
