package io.vstack.benchmarks.transport;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.storage.BackendType;
import io.vstack.api.testing.FakeHosts;
import io.vstack.benchmarks.datapath.DataPathFixture;
import io.vstack.disks.internal.DiskOwnerService;
import io.vstack.disks.internal.DiskService;
import io.vstack.storage.local.internal.LocalStorageBackend;
import io.vstack.transport.internal.TransportService;
import io.vstack.transport.internal.TransportSettings;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Two "processes" sharing one disk inventory on the real local backend, as plain objects: each
 * has its own transport on loopback serving its own {@link DiskOwnerService} (process A hosts
 * esx1, process B esx2). Disk {@code shared} starts owned by esx1.
 */
public final class DiskSharingFixture implements AutoCloseable {

    static final String DISK = "shared";
    private final DiskService disks;
    private final ByteBuffer block = ByteBuffer.allocateDirect(4096);
    final Side a;
    final Side b;

    /** One process: its transport and owner service. */
    record Side(String host, TransportService transport, DiskOwnerService owners) implements AutoCloseable {
        @Override
        public void close() {
            transport.close();
        }
    }

    public DiskSharingFixture(Path directory, Duration lease) throws Exception {
        DataPathFixture.deleteTree(directory);
        Path stores = Files.createDirectories(directory.resolve("stores"));
        FakeHosts hosts = new FakeHosts().add("esx1", stores, 1L << 40).add("esx2", stores, 1L << 40);
        disks = new DiskService(directory.resolve("disks"), Duration.ofSeconds(30), source -> () -> { });
        hosts.hosts().forEach(disks::hostAdded);
        disks.backendAdded("local", new LocalStorageBackend(hosts, stores, false));
        disks.create(new DiskSpec(DISK, 64L << 20, 4096, BackendType.LOCAL, "esx1", java.util.Optional.empty()));
        a = side("esx1", lease);
        b = side("esx2", lease);
        a.owners().renewLeases();
    }

    Side side(String host, Duration lease) {
        TransportService t = new TransportService(TransportSettings.loopback()).start();
        DiskOwnerService o = new DiskOwnerService(disks, t, lease, List.of(host)::contains, Clock.systemUTC());
        t.addHandler(DiskOwnerService.PROTOCOL, o);
        return new Side(host, t, o);
    }

    /** {@code to} asks for the disk and, once it owns it, writes its first block: the hand-off as a guest sees it. */
    void handOffAndWrite(Side to, long offset) throws Exception {
        to.owners().acquire(DISK, to.host(), Duration.ofSeconds(30));
        try (DiskHandle h = disks.disk(DISK).orElseThrow().open("bench")) {
            block.clear();
            block.putLong(0, offset);
            h.write(offset, block);
        }
    }

    @Override
    public void close() {
        a.close();
        b.close();
        disks.close();
    }
}
