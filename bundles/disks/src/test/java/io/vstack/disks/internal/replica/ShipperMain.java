package io.vstack.disks.internal.replica;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.storage.BackendType;
import io.vstack.api.transport.Endpoint;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

/**
 * The primary of {@link ReplicationTest#killOfThePrimaryMidShipLeavesTheLastCompletePoint} as its own
 * process: ships point 1 of disk {@code d1} (printing its checksum at the seal), writes more, and
 * stops in the middle of shipping delta 2 (printing {@code MIDSHIP}) until it is killed.
 * Args: {@code directory host:port}.
 */
public final class ShipperMain {

    private ShipperMain() {
    }

    public static void main(String[] args) throws Exception {
        ReplicationTest.Site site = new ReplicationTest.Site(Path.of(args[0]));
        site.disks.create(new DiskSpec("d1", ReplicationTest.SIZE, 4096, BackendType.LOCAL, "esx1", Optional.empty()));
        write(site, 1);
        Primary p = site.replication.start("d1", Endpoint.parse(args[1]), Duration.ofSeconds(1), 5);
        DirtyTracker tracker = site.replication.filters().tracker("d1");
        tracker.sealObserver(delta -> {
            try (DiskHandle h = site.disks.disk("d1").orElseThrow().openAt("seal", ReplicaFilterFactory.NAME)) {
                System.out.println("SEALED " + delta.sequence + " " + ReplicationTest.checksum(h));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        if (!p.cycle()) {
            throw new IllegalStateException(p.status().state());
        }
        System.out.println("POINT 1");
        write(site, 2);
        p.flipBit(chunk -> {
            if (chunk == 4) {
                System.out.println("MIDSHIP");
                System.out.flush();
                try {
                    new CountDownLatch(1).await(); // until kill -9
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return false;
        });
        p.cycle();
    }

    private static void write(ReplicationTest.Site site, int seed) throws Exception {
        try (DiskHandle h = site.disks.disk("d1").orElseThrow().open("fill")) {
            SplittableRandom random = new SplittableRandom(seed);
            ByteBuffer b = ByteBuffer.allocate((int) ReplicationTest.SIZE);
            while (b.hasRemaining()) {
                b.putLong(random.nextLong());
            }
            h.write(0, b.flip());
            h.flush();
        }
    }
}
