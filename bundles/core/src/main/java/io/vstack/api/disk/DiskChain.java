package io.vstack.api.disk;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Where the blocks of a disk live: the disk and its ancestors (a differencing disk reads through
 * to its parent, that parent to its own, down to the base). A disk without a parent is a chain of
 * one. A disk that has children is immutable, so a block read through the chain is the same bytes
 * whichever child reads it: caches key shared blocks by the member that holds them.
 * <p><b>Threads.</b> Thread-safe and live: it reflects writes, {@code commit}s and snapshots as
 * they happen. {@link #holderOf} is O(1) in the chain's depth and allocates nothing.
 */
@ProviderType
public interface DiskChain {

    /** The ids of the chain's members: this disk first, its base last. */
    List<String> members();

    /**
     * The index in {@link #members()} of the member whose store holds {@code block}, or
     * {@code -1} if none has written it (it reads as zeros).
     *
     * @throws IllegalArgumentException if the block is beyond the disk's capacity
     */
    int holderOf(long block);

    /**
     * The content version of member {@code index}: it changes whenever that member's blocks
     * change other than by a write through this chain's top (a {@code commit} merging a child into
     * it, a revert). A cache that keys a block by (member id, version) never serves bytes from
     * before such a change.
     *
     * @throws IndexOutOfBoundsException for an index outside {@link #members()}
     */
    long contentVersion(int index);

    /** The chain of a disk with no parent: every block is held by the disk itself. */
    static DiskChain single(String diskId) {
        List<String> members = List.of(diskId);
        return new DiskChain() {
            @Override
            public List<String> members() {
                return members;
            }

            @Override
            public int holderOf(long block) {
                if (block < 0) {
                    throw new IllegalArgumentException("block " + block + " is negative");
                }
                return 0;
            }

            @Override
            public long contentVersion(int index) {
                if (index != 0) {
                    throw new IndexOutOfBoundsException("member " + index + " of a chain of one");
                }
                return 0;
            }
        };
    }
}
