package io.vstack.api.testing;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskInfo;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.filter.FilterAttachment;
import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.filter.LinkedStorage;
import io.vstack.api.filter.MissingFilterPolicy;
import io.vstack.api.io.DiskUnavailableException;
import io.vstack.api.io.FilterFailedException;
import io.vstack.api.io.InvalidIoException;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import io.vstack.api.io.UpcallFailedException;
import io.vstack.api.transport.Endpoint;
import io.vstack.support.UpcallGate;
import io.vstack.support.UpcallSettings;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.zip.CRC32C;

/**
 * TEST SUPPORT: a virtual disk whose bytes live in one {@link ByteBuffer}, with a real filter
 * chain: a small, honest stand-in for the disk manager's disks in unit tests, and the place a
 * filter author writes and reads through a filter.
 * <p>Like a real disk it checks ranges and alignment before anything runs (an
 * {@link InvalidIoException}), passes each request through its filters (nearest the caller
 * first), reuses one request object per thread, allocates nothing per I/O, and fails I/O with
 * {@link DiskUnavailableException} once {@linkplain #remove() removed}. Never-written and trimmed
 * ranges read back as zeros. The store advances the buffer position of the request it gets to
 * its limit, as a channel does; the handle moves the caller's position to the limit once the
 * whole chain succeeded.
 * <p>As the filter framework does, each stage turns anything its filter throws but an
 * {@link IoException} into a {@link FilterFailedException} naming the filter (only that request
 * fails). Beyond the framework it checks the data contract of {@link IoFilter} (a stage that
 * breaks it fails the request with a {@link FilterFailedException} saying so): a filter leaves
 * the limit of the buffer it is given as it found it, and does not change the bytes of a write.
 * <p>Filters come in two ways: {@link #withFilter(IoFilterFactory, Map, Path)} creates one from
 * its factory as the framework does and places it in chain order (class, then higher rank, then
 * name); {@link #withFilter(String, IoFilter)} appends a plain filter below all the others.
 * <p>Thread-safe; concurrent I/O to overlapping ranges sees some interleaving of the bytes, as
 * on a real device. Add filters before opening the handles that should see them.
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
    /** What its filters redirect through: the instance that serves it ({@link InMemoryLinks#serve}), or none. */
    private volatile LinkedStorage links = InMemoryLinks.NOT_SERVING;

    /** Chain order, as the framework sorts: filter class, then higher rank first, then name. */
    private static final Comparator<FilterDescriptor> ORDER = Comparator
            .comparing(FilterDescriptor::filterClass)
            .thenComparing(Comparator.comparingInt(FilterDescriptor::rank).reversed())
            .thenComparing(FilterDescriptor::name);
    /** Per-thread checksum of a write's bytes, to see a filter change them (nothing allocated per I/O). */
    private static final ThreadLocal<CRC32C> WRITE_SUMS = ThreadLocal.withInitial(CRC32C::new);

    /** A filter in the chain, with its upcall gateway if the framework's way made it (null for a plain filter). */
    private record Named(FilterDescriptor descriptor, IoFilter filter, UpcallGate upcalls) {
        String name() {
            return descriptor.name();
        }
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

    /**
     * Appends a plain filter to the chain, below every filter added before; {@link #info()} shows
     * it as an {@code INSPECTION} filter. Returns this disk.
     */
    public InMemoryDisk withFilter(String name, IoFilter filter) {
        filters.add(new Named(new FilterDescriptor(name, FilterClass.INSPECTION, 0, "test filter"), filter, null));
        return this;
    }

    /**
     * Attaches a filter as the framework does: the framework's keys
     * ({@value MissingFilterPolicy#CONFIG_KEY} and the upcall keys of
     * {@link io.vstack.api.filter.UpcallGateway}) are checked and taken out of {@code config}, the
     * factory creates the filter from a {@link TestFilterContext} of this disk (host {@code esx1})
     * and the rest of {@code config}, and the filter takes its place in chain order. Returns this
     * disk.
     * <p>The context's {@link TestFilterContext#upcalls() upcall gateway} is the framework's own,
     * for this filter on this disk: a failed upcall the filter lets out of {@code submit} fails the
     * request, or with {@code onUpcallFailure=bypass} passes it on below the filter. Its
     * {@link TestFilterContext#linkedStorage() linked storage} redirects through the
     * {@link InMemoryLinks} instance that {@linkplain InMemoryLinks#serve serves} this disk (until
     * one does, a redirect fails as in a process whose transport is not serving).
     *
     * @param stateDirectory the filter's state directory (a test's temporary directory)
     * @throws IllegalArgumentException if the filter is already attached, or the factory (or a
     *         framework's key) refuses the config
     */
    public InMemoryDisk withFilter(IoFilterFactory factory, Map<String, String> config, Path stateDirectory) {
        FilterDescriptor descriptor = factory.descriptor();
        Map<String, String> attachConfig = new HashMap<>(config);
        String onMissing = attachConfig.remove(MissingFilterPolicy.CONFIG_KEY);
        if (onMissing != null) {
            MissingFilterPolicy.parse(onMissing);
        }
        String name = descriptor.name();
        UpcallSettings settings;
        try {
            settings = UpcallSettings.parse(attachConfig, TestFilterContext.FILTER_TIMEOUT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("filter " + name + ": " + e.getMessage(), e);
        }
        synchronized (filters) {
            if (filters.stream().anyMatch(f -> f.name().equals(name))) {
                throw new IllegalArgumentException("filter " + name + " is already attached to disk " + id);
            }
            UpcallGate upcalls = new UpcallGate(id, name, settings);
            IoFilter filter;
            try {
                filter = factory.create(new TestFilterContext(id, "esx1", capacity(), blockSize,
                        UpcallSettings.filterConfig(attachConfig), stateDirectory, upcalls, this::redirect));
            } catch (RuntimeException e) {
                upcalls.abort("filter " + name + " could not be created");
                throw e;
            }
            int at = 0;
            while (at < filters.size() && ORDER.compare(filters.get(at).descriptor(), descriptor) <= 0) {
                at++;
            }
            filters.add(at, new Named(descriptor, filter, upcalls));
        }
        return this;
    }

    /**
     * The filter instance named {@code name} in this disk's chain, e.g. to call its
     * {@link IoFilter#cancel} as the framework's watchdog would.
     *
     * @throws IllegalArgumentException if no such filter is attached
     */
    public IoFilter filter(String name) {
        return named(name).filter();
    }

    /**
     * Takes filter {@code name} out of the chain, calls its {@link IoFilter#close()} and closes its
     * upcall gateway, as a detach does once the filter's requests are over (this disk does not
     * wait for them: detach when none runs). Handles opened before keep the chain they were
     * opened with; an upcall of the filter fails from now on.
     *
     * @throws IllegalArgumentException if no such filter is attached
     */
    public void detach(String name) {
        Named named = named(name);
        filters.remove(named);
        named.filter().close();
        if (named.upcalls() != null) {
            named.upcalls().abort("filter " + name + " was unlinked from disk " + id);
        }
    }

    /**
     * Does to filter {@code name}'s upcalls what the framework does when the filter's bundle goes
     * away: every pending upcall fails at once with an {@link UpcallFailedException} ("filter
     * <i>name</i>'s bundle went away"; its request fails, or bypasses the filter), the upcall
     * threads are interrupted, and later upcalls fail at once. The filter stays in the chain.
     *
     * @return the upcalls that were pending
     * @throws IllegalArgumentException if no such filter is attached, or it is a plain filter
     */
    public int abortUpcalls(String name) {
        return gate(name).abort("filter " + name + "'s bundle went away");
    }

    /** Upcalls of filter {@code name} whose I/O thread waits now (to wait for a test's requests to be held). */
    public int pendingUpcalls(String name) {
        return gate(name).pending();
    }

    /** Upcall threads of filter {@code name} alive now (they end when idle, and after an abort once their function returns). */
    public int upcallThreads(String name) {
        return gate(name).threads();
    }

    private UpcallGate gate(String name) {
        UpcallGate gate = named(name).upcalls();
        if (gate == null) {
            throw new IllegalArgumentException("filter " + name + " of disk " + id + " was added as a plain filter: it has no upcalls");
        }
        return gate;
    }

    /** Set by the {@link InMemoryLinks} that serves this disk. */
    void linkedStorage(LinkedStorage linkedStorage) {
        links = linkedStorage;
    }

    private void redirect(IoRequest request, Endpoint target, String diskId, String filter) throws IoException {
        links.redirect(request, target, diskId, filter);
    }

    private Named named(String name) {
        for (Named named : filters) {
            if (named.name().equals(name)) {
                return named;
            }
        }
        throw new IllegalArgumentException("filter " + name + " is not attached to disk " + id);
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
            attachments.add(new FilterAttachment(id, named.descriptor(), Map.of(), true));
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
            Named stage = snapshot.get(i);
            IoChain below = chain;
            chain = request -> invoke(stage, request, below);
        }
        openHandles.incrementAndGet();
        return new Handle(origin, chain);
    }

    /** Runs one stage as the framework does, and checks that its filter kept the data contract. */
    private void invoke(Named stage, IoRequest request, IoChain below) throws IoException {
        ByteBuffer buffer = request.buffer();
        int position = buffer.position();
        int limit = buffer.limit();
        boolean write = request.op() == IoOp.WRITE;
        long sum = write ? sum(buffer, position) : 0;
        try {
            stage.filter().submit(request, below);
        } catch (UpcallFailedException e) {
            UpcallGate upcalls = stage.upcalls();
            if (upcalls == null || !stage.name().equals(e.filter()) || !upcalls.bypass()) {
                throw e; // this filter's without bypass, or another filter's, below this one
            }
            below.proceed(request);
        } catch (IoException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failed(stage, e.toString(), e);
        } catch (Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            throw failed(stage, e.toString(), e);
        }
        if (buffer.limit() != limit) {
            throw failed(stage, "it broke the data contract (IoFilter): it moved the limit of the buffer of a "
                    + request.op() + " from " + limit + " to " + buffer.limit(), null);
        }
        if (write && sum(buffer, position) != sum) {
            throw failed(stage, "it broke the data contract (IoFilter): it changed the bytes of a WRITE at offset "
                    + request.offset() + " (write into a buffer of your own and pass on a request of your own)", null);
        }
    }

    private FilterFailedException failed(Named stage, String what, Throwable cause) {
        return new FilterFailedException(stage.name(), "filter " + stage.name() + " failed a request on disk " + id
                + ": " + what, cause);
    }

    /** CRC32C of the buffer's bytes from {@code from} to its limit; leaves the position as it was. */
    private static long sum(ByteBuffer buffer, int from) {
        CRC32C crc = WRITE_SUMS.get();
        crc.reset();
        int position = buffer.position();
        crc.update(buffer.position(from));
        buffer.position(position);
        return crc.getValue();
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
