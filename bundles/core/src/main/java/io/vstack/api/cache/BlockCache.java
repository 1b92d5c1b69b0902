package io.vstack.api.cache;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A host-wide cache of disk blocks in the host's physical memory, keyed by (disk id, block).
 * Registered as a service per host, with property {@link io.vstack.api.hw.Host#NAME_PROPERTY}.
 * <p><b>Threads.</b> Thread-safe; no method blocks on I/O. A hit allocates nothing. A read never
 * returns bytes of another block, even while the slot is being reused concurrently.
 */
@ProviderType
public interface BlockCache {

    /** The cache's name. */
    String name();

    /** The eviction policy's name. */
    String policy();

    /** Bytes per cached block. */
    int blockSize();

    /**
     * Copies a cached block into {@code dst} (exactly {@link #blockSize()} bytes from its position).
     *
     * @return true on a hit (dst filled, position advanced), false on a miss (dst untouched)
     */
    boolean read(String diskId, long block, ByteBuffer dst);

    /** Caches a block's bytes ({@link #blockSize()} bytes from {@code src}'s position; the position is unchanged). */
    void put(String diskId, long block, ByteBuffer src);

    /** Drops a block, e.g. before it is overwritten. */
    void invalidate(String diskId, long block);

    /** Drops every block of a disk. */
    void invalidateDisk(String diskId);

    /** The counters now. */
    CacheStats stats();
}
