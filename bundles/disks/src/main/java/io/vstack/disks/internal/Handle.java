package io.vstack.disks.internal;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.io.DiskUnavailableException;
import io.vstack.api.io.InvalidIoException;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An open handle on a disk: checks ranges, takes the thread's reusable request object and runs
 * it down the disk's chain. Nothing is allocated per I/O.
 */
final class Handle implements DiskHandle {

    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0).asReadOnlyBuffer();

    private final DiskRuntime disk;
    private final DiskService service;
    private final String origin;
    private final FilterDescriptor target;
    private final long capacity;
    private final int blockSize;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final long epoch;
    private Entry entry;

    /** A handle whose writes carry ownership epoch {@code epoch} (the disk's when it was opened). */
    Handle(DiskRuntime disk, DiskService service, String origin, FilterDescriptor target, long epoch) {
        this.disk = disk;
        this.service = service;
        this.origin = origin;
        this.target = target;
        this.capacity = disk.metadata().capacity();
        this.blockSize = disk.metadata().blockSize();
        this.epoch = epoch;
    }

    /** The ownership epoch every write of this handle carries. */
    long epoch() {
        return epoch;
    }

    /** The filter position this handle's I/O enters at, null for the top of the chain. */
    FilterDescriptor target() {
        return target;
    }

    /**
     * Where this handle's I/O enters {@code chain}: the top, or its target filter's position
     * (looked up once per chain: a chain is immutable, so the index holds until the disk
     * publishes a new one).
     */
    int entry(Chain chain) {
        if (target == null) {
            return 0;
        }
        Entry e = entry;
        if (e == null || e.chain != chain) {
            e = new Entry(chain, chain.entryFor(target));
            entry = e; // racy by design: every thread computes the same immutable pair
        }
        return e.index;
    }

    /** The entry index of the chain a handle last ran in. */
    private record Entry(Chain chain, int index) {
    }

    @Override
    public String diskId() {
        return disk.id;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IoException {
        if (dst.isReadOnly()) {
            throw new InvalidIoException("disk " + disk.id + ": cannot read into a read-only buffer");
        }
        submit(IoOp.READ, offset, dst.remaining(), dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IoException {
        submit(IoOp.WRITE, offset, src.remaining(), src);
    }

    @Override
    public void flush() throws IoException {
        submit(IoOp.FLUSH, 0, 0, EMPTY);
    }

    @Override
    public void trim(long offset, long length) throws IoException {
        submit(IoOp.TRIM, offset, length, EMPTY);
    }

    private void submit(IoOp op, long offset, long length, ByteBuffer buffer) throws IoException {
        if (closed.get()) {
            throw new DiskUnavailableException("disk " + disk.id + ": the handle is closed");
        }
        check(op, offset, length);
        ThreadIo thread = service.threadIo();
        IoContext request = thread.enter(service.registrar());
        boolean timed = thread.sampleLatency();
        long start = timed ? System.nanoTime() : 0;
        try {
            request.set(op, disk.id, offset, length, buffer, origin);
            disk.execute(request, this);
        } catch (IoException | RuntimeException | Error e) {
            disk.io.increment(DiskRuntime.ERRORS);
            throw e;
        } finally {
            if (timed) {
                disk.latency.recordSample(op.ordinal(), System.nanoTime() - start);
            }
            thread.exit();
        }
        switch (op) {
            case READ -> {
                buffer.position(buffer.limit());
                disk.io.add(DiskRuntime.READS, DiskRuntime.BYTES_READ, length);
            }
            case WRITE -> {
                buffer.position(buffer.limit());
                disk.io.add(DiskRuntime.WRITES, DiskRuntime.BYTES_WRITTEN, length);
            }
            case FLUSH -> disk.io.increment(DiskRuntime.FLUSHES);
            case TRIM -> disk.io.increment(DiskRuntime.TRIMS);
            default -> {
            }
        }
    }

    private void check(IoOp op, long offset, long length) throws InvalidIoException {
        if (offset < 0 || length < 0 || offset > capacity - length) {
            throw new InvalidIoException("disk " + disk.id + ": " + op.name().toLowerCase(java.util.Locale.ROOT) + " of "
                    + length + " bytes at offset " + offset + " is outside the disk (capacity " + capacity + ")");
        }
        if ((offset & (blockSize - 1)) != 0 || (length & (blockSize - 1)) != 0) {
            throw new InvalidIoException("disk " + disk.id + ": " + op.name().toLowerCase(java.util.Locale.ROOT) + " of "
                    + length + " bytes at offset " + offset + " is not aligned to the block size " + blockSize);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            disk.handleClosed();
        }
    }
}
