package io.vstack.storage.vsan.internal;

import io.vstack.api.storage.BackendUnavailableException;
import io.vstack.api.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.StampedLock;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open state of one vSAN object, shared by every handle on it and by the resync task: its
 * replicas, their dirty regions and the region locks that keep a resync copy from racing a write.
 * <p>A write goes to every reachable replica and is acknowledged once each replica that was in
 * sync has it, or, with a replica's host down, once the others have it and the cluster's
 * descriptor records that replica as stale. Reads come only from in-sync replicas.
 */
final class VsanObject {

    private static final Logger LOG = LoggerFactory.getLogger(VsanObject.class);

    static final int REGION_SHIFT = 20;
    static final int REGION_SIZE = 1 << REGION_SHIFT;
    private static final int STRIPES = 64;
    private static final String READ = "vsan read";
    private static final String WRITE = "vsan write";
    private static final String FLUSH = "vsan flush";
    private static final String RESYNC = "vsan resync";

    final VsanBackend backend;
    final String id;
    final long capacity;
    final int blockSize;
    final String creator;
    final Replica[] replicas;
    private final long lastRegion;
    private final Lock[] shared = new Lock[STRIPES];
    private final Lock[] exclusive = new Lock[STRIPES];
    private final AtomicInteger next = new AtomicInteger();
    int handles;

    VsanObject(VsanBackend backend, String id, VsanDescriptor descriptor, Replica[] replicas) {
        this.backend = backend;
        this.id = id;
        this.capacity = descriptor.capacity();
        this.blockSize = descriptor.blockSize();
        this.creator = descriptor.creator();
        this.replicas = replicas;
        this.lastRegion = (capacity - 1) >> REGION_SHIFT;
        for (int i = 0; i < STRIPES; i++) {
            StampedLock lock = new StampedLock();
            shared[i] = lock.asReadLock();
            exclusive[i] = lock.asWriteLock();
        }
    }

    /** Marks a replica as missing everything (after a restart, or a lost component file). */
    void markWhollyDirty(Replica replica) {
        replica.markDirty(0, lastRegion);
    }

    void read(long offset, ByteBuffer dst) throws StorageException {
        int start = dst.position();
        int first = Math.floorMod(next.getAndIncrement(), replicas.length);
        for (int attempt = 0; attempt < replicas.length; attempt++) {
            Replica replica = replicas[(first + attempt) % replicas.length];
            if (replica.stale() || !replica.attempt(READ)) {
                continue;
            }
            dst.position(start);
            try {
                readFully(replica.channel, offset, dst);
                return;
            } catch (IOException e) {
                replica.fault(e.toString());
            }
        }
        dst.position(start);
        throw unavailable("read at " + offset);
    }

    void write(long offset, ByteBuffer src) throws StorageException {
        int length = src.remaining();
        if (length == 0) {
            return;
        }
        long firstRegion = offset >> REGION_SHIFT;
        long endRegion = (offset + length - 1) >> REGION_SHIFT;
        lock(shared, firstRegion, endRegion);
        try {
            int start = src.position();
            int end = src.limit();
            int inSync = 0;
            boolean becameStale = false;
            for (Replica replica : replicas) {
                boolean wasStale = replica.stale();
                boolean written = false;
                if (replica.attempt(WRITE)) {
                    src.position(start);
                    try {
                        writeFully(replica.channel, offset, src);
                        written = true;
                    } catch (IOException e) {
                        replica.fault(e.toString());
                    }
                }
                if (written) {
                    if (!wasStale) {
                        inSync++;
                    }
                } else {
                    becameStale |= replica.markDirty(firstRegion, endRegion);
                }
            }
            src.position(end);
            if (becameStale) {
                backend.persist(this);
            }
            if (inSync == 0) {
                src.position(start);
                throw unavailable("write at " + offset);
            }
        } finally {
            unlock(shared, firstRegion, endRegion);
        }
    }

    void flush() throws StorageException {
        int inSync = 0;
        boolean becameStale = false;
        for (Replica replica : replicas) {
            boolean wasStale = replica.stale();
            boolean forced = false;
            if (replica.attempt(FLUSH)) {
                try {
                    replica.channel.force(false);
                    forced = true;
                } catch (IOException e) {
                    replica.fault(e.toString());
                }
            }
            if (forced) {
                if (!wasStale) {
                    inSync++;
                }
            } else {
                // What it has not made durable is unknown: it must be copied whole.
                becameStale |= replica.markDirty(0, lastRegion);
            }
        }
        if (becameStale) {
            backend.persist(this);
        }
        if (inSync == 0) {
            throw unavailable("flush");
        }
    }

    /**
     * Copies the dirty regions of every stale replica whose host is up from an in-sync replica,
     * region by region under the region's exclusive lock; marks a replica in sync (and records it)
     * when it has no dirty region left. Runs on the resync thread.
     *
     * @return the number of regions copied
     */
    int resync(ByteBuffer buffer) throws StorageException {
        int copied = 0;
        for (Replica target : replicas) {
            if (!target.stale() || !target.hostUp()) {
                continue;
            }
            Replica source = Stream.of(replicas).filter(r -> r != target && !r.stale() && r.hostUp())
                    .findFirst().orElse(null);
            if (source == null) {
                continue;
            }
            for (int region = target.nextDirty(0); region >= 0; region = target.nextDirty(region + 1)) {
                Lock lock = exclusive[region % STRIPES];
                lock.lock();
                try {
                    if (!target.isDirty(region)) {
                        continue;
                    }
                    if (source.isDirty(region) || !source.attempt(RESYNC) || !target.attempt(RESYNC)) {
                        return copied;
                    }
                    long at = (long) region << REGION_SHIFT;
                    buffer.clear().limit((int) Math.min(REGION_SIZE, capacity - at));
                    readFully(source.channel, at, buffer);
                    buffer.flip();
                    writeFully(target.channel, at, buffer);
                    target.clean(region);
                    copied++;
                } catch (IOException e) {
                    LOG.debug("vSAN object {}: resync of {} from {} stopped", id, target.host, source.host, e);
                    return copied;
                } finally {
                    lock.unlock();
                }
            }
            if (target.settleIfClean()) {
                try {
                    target.channel.force(false);
                } catch (IOException e) {
                    target.markDirty(0, lastRegion);
                    continue;
                }
                backend.persist(this);
                LOG.info("vSAN object {}: replica on {} resynced from {}", id, target.host, source.host);
            }
        }
        return copied;
    }

    private void lock(Lock[] locks, long firstRegion, long endRegion) {
        if (endRegion - firstRegion + 1 >= STRIPES) {
            for (Lock lock : locks) {
                lock.lock();
            }
        } else {
            for (long r = firstRegion; r <= endRegion; r++) {
                locks[(int) (r % STRIPES)].lock();
            }
        }
    }

    private void unlock(Lock[] locks, long firstRegion, long endRegion) {
        if (endRegion - firstRegion + 1 >= STRIPES) {
            for (Lock lock : locks) {
                lock.unlock();
            }
        } else {
            for (long r = firstRegion; r <= endRegion; r++) {
                locks[(int) (r % STRIPES)].unlock();
            }
        }
    }

    private BackendUnavailableException unavailable(String what) {
        return new BackendUnavailableException(backend.name() + ": object " + id + ": " + what
                + " failed: no in-sync replica reachable (" + Stream.of(replicas)
                        .map(r -> r.host + (r.stale() ? " stale" : "") + (r.lastFault().isEmpty() ? "" : ": " + r.lastFault()))
                        .collect(Collectors.joining("; ")) + ")");
    }

    static void readFully(FileChannel channel, long offset, ByteBuffer dst) throws IOException {
        int start = dst.position();
        while (dst.hasRemaining()) {
            if (channel.read(dst, offset + dst.position() - start) < 0) {
                while (dst.hasRemaining()) {
                    dst.put((byte) 0);
                }
            }
        }
    }

    static void writeFully(FileChannel channel, long offset, ByteBuffer src) throws IOException {
        int start = src.position();
        while (src.hasRemaining()) {
            channel.write(src, offset + src.position() - start);
        }
    }

    void closeChannels() {
        for (Replica replica : replicas) {
            try {
                replica.channel.close();
            } catch (IOException e) {
                LOG.debug("closing {} failed", replica.file, e);
            }
        }
    }
}
