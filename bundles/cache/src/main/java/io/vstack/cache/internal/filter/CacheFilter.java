package io.vstack.cache.internal.filter;

import io.vstack.support.BlockRangeLocks;
import io.vstack.api.disk.DiskChain;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoRequest;
import io.vstack.cache.internal.block.FrameBlockCache;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The {@code cache} filter on one disk: serves reads from the host's {@link FrameBlockCache}.
 * <ul>
 * <li><b>Read</b>: each block is looked up by (the chain member that holds it, its content
 * version) — multi-level snapshot caching (US9875184): linked clones of one base find the base's
 * blocks under the base's key, so one clone's miss is the other's hit. All blocks hit: done, no
 * lock, nothing allocated. Any miss: the whole request is read below and its blocks are put.</li>
 * <li><b>Write</b>: passed below, then the blocks are put under the top disk's key
 * ({@code write-through}) or dropped ({@code write-around}). A failed write drops them.</li>
 * <li><b>Trim</b>: passed below, then the blocks are dropped. <b>Flush</b>: passed below.</li>
 * </ul>
 * <b>Coherence.</b> A miss's read-below-then-put and a write's write-below-then-update hold
 * striped read/write locks on their blocks, so a miss never caches bytes older than a write that
 * completed before the put. Hits take no lock: a hit that races with a write of the same block may
 * return the old bytes, as the disk itself may.
 * <p>Attaching and detaching drop the blocks cached under the disk's own key (writes may have
 * bypassed the cache meanwhile); blocks of its ancestors stay, as they cannot change without a
 * new content version.
 * <p>Requests not aligned to the cache's block size pass through (writes and trims still drop the
 * blocks they touch).
 */
final class CacheFilter implements IoFilter {

    /** How writes update the cache. */
    enum Mode {
        WRITE_THROUGH("write-through"), WRITE_AROUND("write-around");

        final String text;

        Mode(String text) {
            this.text = text;
        }
    }

    private static final int STRIPES = 256;
    private static final int BLOCKS_PER_STRIPE_SHIFT = 4;
    private static final long BULK_TRIM_BLOCKS = 65_536;

    private final FrameBlockCache cache;
    private final DiskChain chain;
    private final Mode mode;
    private final int blockSize;
    private final BlockRangeLocks locks = new BlockRangeLocks(STRIPES, BLOCKS_PER_STRIPE_SHIFT);
    private volatile Members members;

    /** The chain's members as last seen and, per member, the cache index of its content version. */
    private static final class Members {
        final List<String> ids;
        final Resolved[] resolved;

        Members(List<String> ids) {
            this.ids = ids;
            this.resolved = new Resolved[ids.size()];
        }
    }

    private record Resolved(long version, int index) {
    }

    CacheFilter(FrameBlockCache cache, DiskChain chain, Mode mode) {
        this.cache = cache;
        this.chain = chain;
        this.mode = mode;
        this.blockSize = cache.blockSize();
        this.members = new Members(chain.members());
        // the disk may have been written while no cache filter was attached: forget its own blocks
        cache.invalidateAll(index(0));
    }

    /**
     * Forgets the disk's own blocks: once detached, writes may bypass the cache. Uses the members
     * last seen, not the live chain: a filter is also closed when its disk is deleted or the disk
     * manager stops, and then the chain is gone.
     */
    @Override
    public void close() {
        cache.invalidateDisk(members.ids.get(0));
    }

    FrameBlockCache cache() {
        return cache;
    }

    Mode mode() {
        return mode;
    }

    @Override
    public void submit(IoRequest request, IoChain next) throws IoException {
        switch (request.op()) {
            case READ -> read(request, next);
            case WRITE -> write(request, next);
            case TRIM -> trim(request, next);
            default -> next.proceed(request);
        }
    }

    private void read(IoRequest request, IoChain next) throws IoException {
        long offset = request.offset();
        long length = request.length();
        if (!aligned(offset, length)) {
            next.proceed(request);
            return;
        }
        ByteBuffer buffer = request.buffer();
        int position = buffer.position();
        long first = offset / blockSize;
        int blocks = (int) (length / blockSize);
        boolean hit = true;
        for (int i = 0; i < blocks && hit; i++) {
            long block = first + i;
            hit = cache.read(readIndex(block), block, buffer, position + i * blockSize);
        }
        if (hit) {
            return;
        }
        locks.lockShared(first, blocks);
        try {
            next.proceed(request);
            for (int i = 0; i < blocks; i++) {
                long block = first + i;
                cache.put(readIndex(block), block, buffer, position + i * blockSize);
            }
        } finally {
            locks.unlockShared(first, blocks);
        }
    }

    private void write(IoRequest request, IoChain next) throws IoException {
        long offset = request.offset();
        long length = request.length();
        long first = offset / blockSize;
        long end = (offset + length + blockSize - 1) / blockSize;
        int blocks = (int) Math.min(end - first, Integer.MAX_VALUE);
        boolean aligned = aligned(offset, length);
        ByteBuffer buffer = request.buffer();
        int position = buffer.position();
        locks.lockExclusive(first, blocks);
        try {
            boolean done = false;
            try {
                next.proceed(request);
                done = true;
            } finally {
                int top = index(0);
                for (int i = 0; i < blocks; i++) {
                    long block = first + i;
                    if (done && aligned && mode == Mode.WRITE_THROUGH) {
                        cache.put(top, block, buffer, position + i * blockSize);
                    } else {
                        cache.invalidate(top, block);
                    }
                }
            }
        } finally {
            locks.unlockExclusive(first, blocks);
        }
    }

    private void trim(IoRequest request, IoChain next) throws IoException {
        long first = request.offset() / blockSize;
        long end = (request.offset() + request.length() + blockSize - 1) / blockSize;
        long count = end - first;
        locks.lockExclusive(first, count);
        try {
            next.proceed(request);
        } finally {
            try {
                int top = index(0);
                if (count > BULK_TRIM_BLOCKS) {
                    cache.invalidateAll(top);
                } else {
                    for (long block = first; block < end; block++) {
                        cache.invalidate(top, block);
                    }
                }
            } finally {
                locks.unlockExclusive(first, count);
            }
        }
    }

    private boolean aligned(long offset, long length) {
        return offset % blockSize == 0 && length % blockSize == 0 && length / blockSize <= Integer.MAX_VALUE / blockSize;
    }

    /** The cache index under which block {@code block} is found: that of the member holding it. */
    private int readIndex(long block) {
        int holder = chain.holderOf(block);
        if (holder < 0) {
            holder = members().ids.size() - 1;   // nobody wrote it: zeros, shared as the base's
        }
        return index(holder);
    }

    /** The cache index of member {@code member} at its current content version; allocates only when it changed. */
    private int index(int member) {
        Members m = members();
        long version = chain.contentVersion(member);
        Resolved r = m.resolved[member];
        if (r == null || r.version() != version) {
            r = new Resolved(version, cache.diskIndex(m.ids.get(member), version, true));
            m.resolved[member] = r;
        }
        return r.index();
    }

    private Members members() {
        Members m = members;
        List<String> ids = chain.members();
        if (ids == m.ids) {
            return m;
        }
        boolean same = ids.size() == m.ids.size();
        for (int i = 0; same && i < ids.size(); i++) {
            same = ids.get(i).equals(m.ids.get(i));
        }
        if (!same) {
            m = new Members(ids);
            members = m;
        }
        return m;
    }
}
