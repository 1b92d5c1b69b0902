package io.vstack.disks.internal.replica;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.storage.BackendType;
import io.vstack.api.testing.FakeHosts;
import io.vstack.benchmarks.datapath.DataPathFixture;
import io.vstack.disks.internal.DiskService;
import io.vstack.storage.local.internal.LocalStorageBackend;
import io.vstack.transport.internal.TransportService;
import io.vstack.transport.internal.TransportSettings;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Replication benchmark (docs/BENCHMARKS.md, "Content, pools and replication"), one JVM, two
 * sites on loopback, each with its own disk manager over the local file backend and its own
 * transport endpoint. P0: single-stream iperf3 on loopback. P1: shipping throughput — the
 * initial sync of a disk full of random data (seal, read, chunk with CRC32C, TCP, write into the
 * recovery chain, commit). P2: achieved RPO at 50 MB/s of 4 KiB random writes — for each new
 * recovery point, the time from the previous point's seal to the new point's commit (the data
 * a lost primary would take with it just before that commit). Args: {@code outDir [sizeMiB] [rpoSeconds] [seconds]}.
 */
public final class ReplicationBench {

    private static final int BLOCK = 4096;

    private ReplicationBench() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/replication-bench");
        long size = (args.length > 1 ? Long.parseLong(args[1]) : 1024) << 20;
        Duration rpo = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 1);
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        DataPathFixture.deleteTree(out);
        System.out.println("date " + Instant.now() + "; jdk " + System.getProperty("java.version") + ", cores "
                + Runtime.getRuntime().availableProcessors());
        double iperf = io.vstack.migration.internal.MigrationBench.iperf3();
        System.out.printf("P0 iperf3 single stream 127.0.0.1, 5 s: %.2f Gbit/s%n", iperf / 1e9);
        try (Site primary = new Site(out.resolve("primary")); Site recovery = new Site(out.resolve("recovery"))) {
            primary.disks.create(new DiskSpec("d1", size, BLOCK, BackendType.LOCAL, "bench", java.util.Optional.empty()));
            try (DiskHandle h = primary.disks.disk("d1").orElseThrow().open("fill")) {
                SplittableRandom random = new SplittableRandom(1);
                ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
                for (long off = 0; off < size; off += b.capacity()) {
                    b.clear();
                    while (b.hasRemaining()) {
                        b.putLong(random.nextLong());
                    }
                    h.write(off, b.flip());
                }
                h.flush();
            }
            Primary p = primary.replication.start("d1", recovery.endpoint(), rpo, 4);
            long t0 = System.nanoTime();
            if (!p.cycle()) {
                throw new IllegalStateException("initial sync failed: " + p.status().state());
            }
            long nanos = System.nanoTime() - t0;
            double bits = p.status().bytesShipped() * 8e9 / nanos;
            System.out.printf("P1 shipping, initial sync of %d MiB of random data: %.3f s = %.2f Gbit/s = %.0f %% of iperf3%n",
                    size >> 20, nanos / 1e9, bits / 1e9, 100 * bits / iperf);
            p.close();

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(() -> write(primary, size, stop, written), "bench-writer");
            writer.start();
            primary.replication.enable("d1", recovery.endpoint(), rpo, 4);
            Primary running = primary.replication.primary("d1");
            List<Double> achieved = new ArrayList<>();
            long seen = running.acknowledged();
            Instant previousSeal = null;
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
                long now = running.acknowledged();
                if (now != seen) {
                    Instant committed = Instant.now();
                    Instant sealedAt = running.status().lastPointAt().orElseThrow();
                    if (previousSeal != null && seen > 0) {
                        achieved.add(Duration.between(previousSeal, committed).toNanos() / 1e9);
                    }
                    previousSeal = sealedAt;
                    seen = now;
                }
            }
            stop.set(true);
            writer.join();
            double rate = written.get() / ((System.nanoTime() - start) / 1e9) / 1e6;
            Collections.sort(achieved);
            System.out.printf("P2 achieved RPO at %.1f MB/s of 4 KiB random writes, rpo %d s, %d points: median %.3f s, max %.3f s "
                    + "(target <= %d s); shipped %s, resent %d%n", rate, rpo.toSeconds(), achieved.size(),
                    achieved.isEmpty() ? Double.NaN : achieved.get(achieved.size() / 2),
                    achieved.isEmpty() ? Double.NaN : achieved.get(achieved.size() - 1), rpo.toSeconds() + 1,
                    running.status().bytesShipped(), running.status().resends());
            primary.replication.disable("d1");
        }
    }

    /** 4 KiB random writes paced at 50 MB/s. */
    private static void write(Site site, long size, AtomicBoolean stop, AtomicLong written) {
        long perWriteNanos = BLOCK * 1_000_000_000L / 50_000_000L;
        try (DiskHandle h = site.disks.disk("d1").orElseThrow().open("writer")) {
            SplittableRandom random = new SplittableRandom(2);
            ByteBuffer b = ByteBuffer.allocateDirect(BLOCK);
            long next = System.nanoTime();
            while (!stop.get()) {
                b.clear();
                b.putLong(0, random.nextLong());
                h.write((long) random.nextInt((int) (size / BLOCK)) * BLOCK, b);
                written.addAndGet(BLOCK);
                next += perWriteNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Site implements AutoCloseable {
        final DiskService disks;
        final TransportService transport;
        final Replication replication;

        Site(Path dir) throws Exception {
            Files.createDirectories(dir.resolve("stores"));
            HostRegistry hosts = new FakeHosts().add("bench", dir.resolve("stores"), 1L << 40);
            disks = new DiskService(dir.resolve("disks"), Duration.ofSeconds(30), source -> () -> { });
            disks.hostAdded(hosts.hosts().get(0));
            disks.backendAdded("local", new LocalStorageBackend(hosts, dir.resolve("stores"), false));
            transport = new TransportService(TransportSettings.loopback()).start();
            replication = Replication.standalone(disks, transport, transport::addHandler, dir.resolve("replica"),
                    new RecoverySite.Placement(BackendType.LOCAL, "bench"));
        }

        io.vstack.api.transport.Endpoint endpoint() {
            return transport.localEndpoint().orElseThrow();
        }

        @Override
        public void close() {
            replication.close();
            transport.close();
            disks.close();
        }
    }
}
