package io.vstack.api.testing;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskInfo;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.filter.FilterAttachment;
import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.io.DiskUnavailableException;
import io.vstack.api.io.InvalidIoException;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A virtual disk whose bytes live in one {@link ByteBuffer}, with a filter chain of plain
 * {@link IoFilter} objects: a small, honest stand-in for the disk manager's disks in unit tests.
 * <p>Like a real disk it checks ranges and alignment before anything runs (an
 * {@link InvalidIoException}), passes each request through its filters in the order added
 * (nearest the caller first), reuses one request object per thread, allocates nothing per I/O,
 * and fails I/O with {@link DiskUnavailableException} once {@linkplain #remove() removed}.
 * Trimmed ranges read back as zeros. The store advances the caller's buffer position to its
 * limit, as a channel does.
 * <p>Thread-safe; concurrent I/O to overlapping ranges sees some interleaving of the bytes, as
 * on a real device.
 */
public final class InMemoryDisk implements VirtualDisk {

    private final String id;
    private final int blockSize;
    private final ByteBuffer store;
    private final List<Named> filters = new CopyOnWriteArrayList<>();
    private final AtomicLongArray opCounts = new AtomicLongArray(IoOp.values().length);
    private final AtomicInteger openHandles = new AtomicInteger();
    private final IoChain storeChain = this::storeIo;
    private volatile boolean removed;

    private record Named(String name, IoFilter filter) {
    }

    /**
     * Creates a zeroed disk.
     *
     * @param capacity bytes, a multiple of {@code blockSize}, at most 1 GiB
     * @throws IllegalArgumentException for a bad geometry
     */
    public InMemoryDisk(String id, long capacity, int blockSize) {
        this.id = Objects.requireNonNull(id, "id");
        if (blockSize <= 0 || capacity <= 0 || capacity % blockSize != 0 || capacity > (1 << 30)) {
            throw new IllegalArgumentException("bad geometry: capacity " + capacity + ", block size " + blockSize);
        }
        this.blockSize = blockSize;
        this.store = ByteBuffer.allocateDirect((int) capacity);
    }

    /** Appends a filter to the chain (below the ones added before). Returns this disk. */
    public InMemoryDisk withFilter(String name, IoFilter filter) {
        filters.add(new Named(name, filter));
        return this;
    }

    /** Capacity in bytes. */
    public long capacity() {
        return store.capacity();
    }

    /** Block size in bytes. */
    public int blockSize() {
        return blockSize;
    }

    /** The backing bytes themselves (absolute access only), e.g. to corrupt a byte under the chain. */
    public ByteBuffer backingStore() {
        return store;
    }

    /** Flips every bit of the byte at {@code offset} in the backing store, bypassing the chain. */
    public void flipByte(long offset) {
        store.put((int) offset, (byte) ~store.get((int) offset));
    }

    /** Requests of kind {@code op} that reached the backing store. */
    public long count(IoOp op) {
        return opCounts.get(op.ordinal());
    }

    /** The stage below every filter: the backing store, for testing a filter alone. */
    public IoChain storeChain() {
        return storeChain;
    }

    /** Makes the disk unavailable: open handles fail from now on. */
    public void remove() {
        removed = true;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public DiskInfo info() {
        List<FilterAttachment> attachments = new ArrayList<>();
        for (Named named : filters) {
            attachments.add(new FilterAttachment(id, new FilterDescriptor(named.name(), FilterClass.INSPECTION, 0,
                    "test filter"), Map.of(), true));
        }
        return new DiskInfo(id, store.capacity(), blockSize, "memory", "esx1", Optional.empty(), attachments,
                openHandles.get());
    }

    @Override
    public DiskHandle open(String origin) throws IoException {
        return openFrom(origin, 0);
    }

    @Override
    public DiskHandle openAt(String origin, String targetFilter) throws IoException {
        for (int i = 0; i < filters.size(); i++) {
            if (filters.get(i).name().equals(targetFilter)) {
                return openFrom(origin, i);
            }
        }
        throw new IllegalArgumentException("filter " + targetFilter + " is not attached to disk " + id);
    }

    private DiskHandle openFrom(String origin, int firstFilter) throws IoException {
        if (removed) {
            throw new DiskUnavailableException("disk " + id + " was removed");
        }
        IoChain chain = storeChain;
        List<Named> snapshot = List.copyOf(filters);
        for (int i = snapshot.size() - 1; i >= firstFilter; i--) {
            IoFilter filter = snapshot.get(i).filter();
            IoChain below = chain;
            chain = request -> filter.submit(request, below);
        }
        openHandles.incrementAndGet();
        return new Handle(origin, chain);
    }

    private void storeIo(IoRequest request) throws IoException {
        if (removed) {
            throw new DiskUnavailableException("disk " + id + " was removed");
        }
        checkRange(request.op(), request.offset(), request.length());
        opCounts.incrementAndGet(request.op().ordinal());
        int offset = (int) request.offset();
        int length = (int) request.length();
        ByteBuffer buffer = request.buffer();
        switch (request.op()) {
            case READ -> {
                buffer.put(buffer.position(), store, offset, length);
                buffer.position(buffer.position() + length);
            }
            case WRITE -> {
                store.put(offset, buffer, buffer.position(), length);
                buffer.position(buffer.position() + length);
            }
            case TRIM -> {
                for (int i = 0; i < length; i++) {
                    store.put(offset + i, (byte) 0);
                }
            }
            case FLUSH -> {
                // memory is as durable as it gets here
            }
        }
    }

    private void checkRange(IoOp op, long offset, long length) throws InvalidIoException {
        if (op == IoOp.FLUSH) {
            return;
        }
        if (offset < 0 || length < 0 || offset + length > store.capacity()) {
            throw new InvalidIoException("disk " + id + ": " + op + " [" + offset + ", +" + length
                    + ") is beyond the capacity " + store.capacity());
        }
        if (offset % blockSize != 0 || length % blockSize != 0) {
            throw new InvalidIoException("disk " + id + ": " + op + " [" + offset + ", +" + length
                    + ") is not aligned to the block size " + blockSize);
        }
    }

    /** A per-thread, reused request: no allocation per I/O. */
    private static final class MutableRequest implements IoRequest {
        private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
        IoOp op;
        String diskId;
        long offset;
        long length;
        ByteBuffer buffer;
        String origin;

        @Override
        public IoOp op() {
            return op;
        }

        @Override
        public String diskId() {
            return diskId;
        }

        @Override
        public long offset() {
            return offset;
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public ByteBuffer buffer() {
            return buffer;
        }

        @Override
        public String origin() {
            return origin;
        }
    }

    private final class Handle implements DiskHandle {
        private final String origin;
        private final IoChain chain;
        private final ThreadLocal<MutableRequest> requests = ThreadLocal.withInitial(MutableRequest::new);
        private volatile boolean closed;

        Handle(String origin, IoChain chain) {
            this.origin = origin;
            this.chain = chain;
        }

        @Override
        public String diskId() {
            return id;
        }

        @Override
        public void read(long offset, ByteBuffer dst) throws IoException {
            submit(IoOp.READ, offset, dst.remaining(), dst);
        }

        @Override
        public void write(long offset, ByteBuffer src) throws IoException {
            submit(IoOp.WRITE, offset, src.remaining(), src);
        }

        @Override
        public void flush() throws IoException {
            submit(IoOp.FLUSH, 0, 0, MutableRequest.EMPTY);
        }

        @Override
        public void trim(long offset, long length) throws IoException {
            submit(IoOp.TRIM, offset, length, MutableRequest.EMPTY);
        }

        private void submit(IoOp op, long offset, long length, ByteBuffer buffer) throws IoException {
            if (closed) {
                throw new DiskUnavailableException("handle on disk " + id + " is closed");
            }
            if (removed) {
                throw new DiskUnavailableException("disk " + id + " was removed");
            }
            checkRange(op, offset, length);
            int limit = buffer.limit();
            MutableRequest request = requests.get();
            request.op = op;
            request.diskId = id;
            request.offset = offset;
            request.length = length;
            request.buffer = buffer;
            request.origin = origin;
            try {
                chain.proceed(request);
            } finally {
                request.buffer = null;
            }
            if (op == IoOp.READ || op == IoOp.WRITE) {
                buffer.position(limit);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                openHandles.decrementAndGet();
            }
        }
    }
}
