package io.vstack.disks.internal;

import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.hw.BlockDevice;
import io.vstack.api.hw.Cpu;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.Nic;
import io.vstack.api.hw.PciDevice;
import io.vstack.api.hw.PhysicalMemory;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoRequest;
import io.vstack.api.storage.BackendStatus;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreExistsException;
import io.vstack.api.storage.StoreNotFoundException;
import io.vstack.api.storage.StoreSpec;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** Fakes for the disk service tests: an in-memory backend, a host, and filters that record, block or throw. */
public final class TestSupport {

    private TestSupport() {
    }

    /** A backend whose stores are direct buffers in memory. */
    /** A 4 KiB direct block whose every 8-byte word is {@code value}. */
    static java.nio.ByteBuffer filled(long value) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(4096);
        for (int i = 0; i < 4096; i += 8) {
            b.putLong(i, value);
        }
        return b;
    }

    public static final class MemoryBackend implements StorageBackend {
        final Map<String, ByteBuffer> stores = new ConcurrentHashMap<>();
        final AtomicLong writes = new AtomicLong();
        final int alignment;

        public MemoryBackend(int alignment) {
            this.alignment = alignment;
        }

        @Override
        public BackendType type() {
            return BackendType.LOCAL;
        }

        @Override
        public BlockStore create(StoreSpec spec) throws StorageException {
            if (stores.putIfAbsent(spec.id(), ByteBuffer.allocateDirect((int) spec.capacity())) != null) {
                throw new StoreExistsException("memory backend: store " + spec.id() + " exists");
            }
            return open(spec.id(), spec.host());
        }

        @Override
        public BlockStore open(String storeId, String host) throws StorageException {
            ByteBuffer bytes = stores.get(storeId);
            if (bytes == null) {
                throw new StoreNotFoundException("memory backend: no store " + storeId);
            }
            return new MemoryStore(storeId, bytes, this);
        }

        @Override
        public void delete(String storeId) throws StorageException {
            if (stores.remove(storeId) == null) {
                throw new StoreNotFoundException("memory backend: no store " + storeId);
            }
        }

        @Override
        public BackendStatus status() {
            return new BackendStatus("memory", BackendType.LOCAL, 0, 0, BackendStatus.Health.HEALTHY, "test");
        }
    }

    static class MemoryStore implements BlockStore {
        private final String id;
        private final ByteBuffer bytes;
        private final MemoryBackend backend;

        MemoryStore(String id, ByteBuffer bytes, MemoryBackend backend) {
            this.id = id;
            this.bytes = bytes;
            this.backend = backend;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public long capacity() {
            return bytes.capacity();
        }

        @Override
        public int alignment() {
            return backend.alignment;
        }

        @Override
        public void read(long offset, ByteBuffer dst) {
            int n = dst.remaining();
            dst.put(dst.position(), bytes, (int) offset, n);
            dst.position(dst.limit());
        }

        @Override
        public void write(long offset, ByteBuffer src) {
            int n = src.remaining();
            bytes.put((int) offset, src, src.position(), n);
            src.position(src.limit());
            backend.writes.incrementAndGet();
        }

        @Override
        public void flush() {
        }

        @Override
        public void trim(long offset, long length) {
            for (long i = offset; i < offset + length; i++) {
                bytes.put((int) i, (byte) 0);
            }
        }

        @Override
        public void close() {
        }
    }

    /** A host with nothing but a name. */
    public record FakeHost(String name) implements Host {
        @Override
        public List<Cpu> cpus() {
            return List.of();
        }

        @Override
        public PhysicalMemory memory() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Nic> nics() {
            return List.of();
        }

        @Override
        public List<PciDevice> pciDevices() {
            return List.of();
        }

        @Override
        public List<BlockDevice> blockDevices() {
            return List.of();
        }
    }

    /** A factory of filters made by {@code make}. */
    public static final class Factory implements IoFilterFactory {
        final FilterDescriptor descriptor;
        final Function<FilterContext, IoFilter> make;
        final List<FilterContext> contexts = new CopyOnWriteArrayList<>();

        private Set<String> secretKeys = Set.of();

        public Factory(String name, FilterClass filterClass, int rank, Function<FilterContext, IoFilter> make) {
            this.descriptor = new FilterDescriptor(name, filterClass, rank, "test filter " + name);
            this.make = make;
        }

        /** This factory, declaring {@code keys} as secret. */
        Factory withSecretKeys(Set<String> keys) {
            this.secretKeys = Set.copyOf(keys);
            return this;
        }

        @Override
        public Set<String> secretKeys() {
            return secretKeys;
        }

        @Override
        public FilterDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public IoFilter create(FilterContext context) {
            contexts.add(context);
            return make.apply(context);
        }
    }

    /** A pass-through filter that appends its name to a trace and counts requests. */
    public static final class Recording implements IoFilter {
        final String name;
        final List<String> trace;
        final AtomicLong requests = new AtomicLong();
        volatile boolean closed;

        public Recording(String name, List<String> trace) {
            this.name = name;
            this.trace = trace;
        }

        @Override
        public void submit(IoRequest request, IoChain next) throws IoException {
            requests.incrementAndGet();
            if (trace != null) {
                trace.add(name);
            }
            next.proceed(request);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A filter that, while armed, blocks every request until released. */
    static final class Blocking implements IoFilter {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean closed;

        @Override
        public void submit(IoRequest request, IoChain next) throws IoException {
            entered.countDown();
            try {
                if (!release.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (closed) {
                throw new IllegalStateException("used after close");
            }
            next.proceed(request);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /**
     * A backend whose stores lose what was not flushed when {@link #crash()} is called: each
     * store keeps the bytes written so far and the bytes made durable by its last flush.
     */
    public static final class CrashableBackend implements StorageBackend {
        final Map<String, ByteBuffer[]> stores = new ConcurrentHashMap<>(); // [0] live, [1] durable

        @Override
        public BackendType type() {
            return BackendType.NFS;
        }

        @Override
        public BlockStore create(StoreSpec spec) throws StorageException {
            ByteBuffer[] pair = {ByteBuffer.allocateDirect((int) spec.capacity()), ByteBuffer.allocateDirect((int) spec.capacity())};
            if (stores.putIfAbsent(spec.id(), pair) != null) {
                throw new StoreExistsException("crashable backend: store " + spec.id() + " exists");
            }
            return open(spec.id(), spec.host());
        }

        @Override
        public BlockStore open(String storeId, String host) throws StorageException {
            ByteBuffer[] pair = stores.get(storeId);
            if (pair == null) {
                throw new StoreNotFoundException("crashable backend: no store " + storeId);
            }
            MemoryBackend view = new MemoryBackend(1);
            return new MemoryStore(storeId, pair[0], view) {
                @Override
                public void flush() {
                    synchronized (pair) {
                        pair[1].put(0, pair[0], 0, pair[0].capacity());
                    }
                }
            };
        }

        /** Every store loses the writes since its last flush (the process was killed). */
        public void crash() {
            for (ByteBuffer[] pair : stores.values()) {
                synchronized (pair) {
                    pair[0].put(0, pair[1], 0, pair[1].capacity());
                }
            }
        }

        @Override
        public void delete(String storeId) throws StorageException {
            if (stores.remove(storeId) == null) {
                throw new StoreNotFoundException("crashable backend: no store " + storeId);
            }
        }

        @Override
        public BackendStatus status() {
            return new BackendStatus("crashable", BackendType.NFS, 0, 0, BackendStatus.Health.HEALTHY, "test");
        }
    }
}
