package io.vstack.benchmarks.datapath;

import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoRequest;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StoreSpec;
import io.vstack.disks.internal.DiskService;
import io.vstack.api.testing.FakeHosts;
import io.vstack.storage.local.internal.LocalStorageBackend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The real data path as plain objects, outside OSGi, through the same public seams the
 * components' DS constructors use: a {@link LocalStorageBackend} (sparse files, optional
 * {@code O_DIRECT}) and a {@link DiskService} (the disk manager and filter framework) with a
 * number of no-op filters attached. The disk's bytes are written once so that reads hit real
 * blocks, not holes.
 */
public final class DataPathFixture implements AutoCloseable {

    /** The host every benchmark disk belongs to; its local0 is the stores directory (knobs off). */
    static final String HOST = "bench";
    static final String DISK = "bench";
    static final int BLOCK = 4096;

    private final Path directory;
    private final LocalStorageBackend backend;
    private final DiskService service;
    private final BlockStore store;
    private final VirtualDisk disk;
    private final DiskHandle handle;
    private final long capacity;

    /**
     * Builds the stack under {@code directory} (emptied first).
     *
     * @param filters  no-op filters on the disk; -1 for a bare {@link BlockStore} without any disk layer
     * @param direct   open the store with {@code O_DIRECT}
     * @param capacity bytes of the disk, all written once
     */
    public DataPathFixture(Path directory, int filters, boolean direct, long capacity) throws IOException, IoException,
            DiskException {
        this.directory = directory;
        this.capacity = capacity;
        deleteTree(directory);
        Files.createDirectories(directory);
        HostRegistry hosts = new FakeHosts().add(HOST, Files.createDirectories(directory.resolve("stores")), 1L << 40);
        backend = new LocalStorageBackend(hosts, directory.resolve("stores"), direct);
        if (filters < 0) {
            service = null;
            disk = null;
            handle = null;
            store = backend.create(new StoreSpec(DISK, capacity, BLOCK, HOST));
        } else {
            service = new DiskService(directory.resolve("disks"), Duration.ofSeconds(30), source -> () -> { });
            service.hostAdded(hosts.hosts().get(0));
            service.backendAdded("local", backend);
            for (int i = 1; i <= filters; i++) {
                service.factoryAdded(new NoopFactory("noop" + i, 1000 - i));
            }
            disk = service.create(DiskSpec.of(DISK, capacity, BackendType.LOCAL, HOST));
            for (int i = 1; i <= filters; i++) {
                service.attach(DISK, "noop" + i, Map.of());
            }
            handle = disk.open("benchmark");
            store = null;
        }
        fill();
    }

    /** The file that holds the disk's bytes. */
    public Path file() {
        return directory.resolve("stores").resolve(DISK + ".img");
    }

    /** The disk manager and filter framework (null for a bare store). */
    public DiskService service() {
        return service;
    }

    /** The disk (null for a bare store). */
    public VirtualDisk disk() {
        return disk;
    }

    public long capacity() {
        return capacity;
    }

    /** Reads {@code dst.remaining()} bytes at {@code offset} through the disk, or the bare store. */
    public void read(long offset, ByteBuffer dst) throws IoException {
        if (handle != null) {
            handle.read(offset, dst);
        } else {
            store.read(offset, dst);
        }
    }

    /** A direct buffer whose address is a multiple of 4096, as direct I/O needs. */
    public static ByteBuffer alignedBuffer(int size) {
        return ByteBuffer.allocateDirect(size + 4096).alignedSlice(4096).slice(0, size);
    }

    private void fill() throws IoException {
        int chunk = 1 << 20;
        ByteBuffer buffer = alignedBuffer(chunk);
        SplittableRandom random = new SplittableRandom(7);
        for (long offset = 0; offset < capacity; offset += chunk) {
            buffer.clear();
            for (int i = 0; i < chunk; i += 8) {
                buffer.putLong(i, random.nextLong());
            }
            buffer.limit((int) Math.min(chunk, capacity - offset));
            if (handle != null) {
                handle.write(offset, buffer);
            } else {
                store.write(offset, buffer);
            }
        }
        if (handle != null) {
            handle.flush();
        } else {
            store.flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (handle != null) {
            handle.close();
        }
        if (store != null) {
            store.close();
        }
        if (service != null) {
            service.close();
        }
        deleteTree(directory);
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A filter that passes every request on: the cost of one chain stage. */
    static final class NoopFilter implements IoFilter {
        @Override
        public void submit(IoRequest request, IoChain next) throws IoException {
            next.proceed(request);
        }
    }

    static final class NoopFactory implements IoFilterFactory {
        private final FilterDescriptor descriptor;

        NoopFactory(String name, int rank) {
            this.descriptor = new FilterDescriptor(name, FilterClass.INSPECTION, rank, "benchmark no-op filter");
        }

        @Override
        public FilterDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public IoFilter create(FilterContext context) {
            return new NoopFilter();
        }
    }
}
