package io.vstack.benchmarks.datapath;

import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.io.IoException;
import io.vstack.api.storage.BackendType;
import io.vstack.api.testing.FakeHosts;
import io.vstack.disks.internal.DiskService;
import io.vstack.storage.local.internal.LocalStorageBackend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A chain of differencing disks on the real local backend (page cache), as plain objects: a base
 * and {@code depth - 1} differencing disks over it, every block written once. With {@code spread}
 * block {@code b} is written in member {@code b % depth} (reads go to every member's store);
 * otherwise every block is in the base. Also opens the member files for bare reads (the peer).
 */
public final class ChainFixture implements AutoCloseable {

    static final int BLOCK = 4096;

    private final Path directory;
    private final DiskService service;
    private final DiskHandle handle;
    private final FileChannel[] files;
    private final int depth;
    private final boolean spread;
    private final long blocks;

    public ChainFixture(Path directory, int depth, boolean spread, long capacity) throws IOException, IoException, DiskException {
        this.directory = directory;
        this.depth = depth;
        this.spread = spread;
        this.blocks = capacity / BLOCK;
        DataPathFixture.deleteTree(directory);
        Files.createDirectories(directory);
        FakeHosts hosts = new FakeHosts().add(DataPathFixture.HOST, Files.createDirectories(directory.resolve("stores")), 1L << 40);
        LocalStorageBackend backend = new LocalStorageBackend(hosts, directory.resolve("stores"), false);
        service = new DiskService(directory.resolve("disks"), Duration.ofSeconds(30), source -> () -> { });
        service.hostAdded(hosts.hosts().get(0));
        service.backendAdded("local", backend);
        VirtualDisk disk = null;
        for (int level = depth - 1; level >= 0; level--) {
            // level = the member's index in the finished chain: depth-1 is the base, 0 the top.
            Optional<String> parent = disk == null ? Optional.empty() : Optional.of(disk.id());
            disk = service.create(new DiskSpec("chain" + level, capacity, BLOCK, BackendType.LOCAL, DataPathFixture.HOST, parent));
            fill(disk, level);
        }
        handle = disk.open("benchmark");
        if (service.chain(disk.id()).size() != depth) {
            throw new IllegalStateException("built a chain of " + service.chain(disk.id()));
        }
        files = new FileChannel[depth];
        for (int level = 0; level < depth; level++) {
            files[level] = FileChannel.open(directory.resolve("stores").resolve("chain" + level + ".img"), StandardOpenOption.READ);
        }
    }

    private void fill(VirtualDisk disk, int level) throws IoException {
        if (!spread && level != depth - 1) {
            return;
        }
        SplittableRandom random = new SplittableRandom(7 + level);
        ByteBuffer buffer = ByteBuffer.allocateDirect(BLOCK);
        try (DiskHandle h = disk.open("fill")) {
            for (long b = spread ? level : 0; b < blocks; b += spread ? depth : 1) {
                buffer.clear();
                for (int i = 0; i < BLOCK; i += 8) {
                    buffer.putLong(i, random.nextLong());
                }
                h.write(b * BLOCK, buffer);
            }
            h.flush();
        }
    }

    public long blocks() {
        return blocks;
    }

    /** Reads block {@code block} through the top disk. */
    public void read(long block, ByteBuffer dst) throws IoException {
        handle.read(block * BLOCK, dst);
    }

    /** Reads block {@code block} straight from the file of the member that holds it. */
    public void readBare(long block, ByteBuffer dst) throws IOException {
        FileChannel file = files[spread ? (int) (block % depth) : depth - 1];
        long offset = block * BLOCK;
        int start = dst.position();
        while (dst.hasRemaining()) {
            if (file.read(dst, offset + dst.position() - start) < 0) {
                throw new IOException("end of file at " + offset);
            }
        }
    }

    @Override
    public void close() throws IOException {
        for (FileChannel f : files) {
            f.close();
        }
        handle.close();
        service.close();
        DataPathFixture.deleteTree(directory);
    }
}
