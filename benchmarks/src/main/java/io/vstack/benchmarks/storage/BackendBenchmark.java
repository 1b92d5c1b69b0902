package io.vstack.benchmarks.storage;

import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StoreSpec;
import io.vstack.api.testing.FakeHosts;
import io.vstack.benchmarks.Fio;
import io.vstack.benchmarks.datapath.DataPathFixture;
import io.vstack.storage.cloud.internal.CloudBackend;
import io.vstack.storage.cloud.internal.CloudConfig;
import io.vstack.storage.local.internal.LocalStorageBackend;
import io.vstack.storage.nfs.internal.NfsBackend;
import io.vstack.storage.san.internal.SanBackend;
import io.vstack.storage.vsan.internal.VsanBackend;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * Per storage backend: 4 KiB random write and read IOPS, and 1 MiB sequential write and read
 * throughput, through the {@code BlockStore} SPI with N threads, each on its own direct buffer;
 * and the same on a raw {@code FileChannel} on the same disk (the peer). No simulated latency.
 * Usage: {@code BackendBenchmark <work dir> <seconds per test> <threads>}.
 */
public final class BackendBenchmark {

    private static final int SMALL = 4096;
    private static final int LARGE = 1 << 20;

    private BackendBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        DataPathFixture.deleteTree(work);
        Files.createDirectories(work);
        int seconds = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        long size = 256L << 20;
        Map<String, double[]> results = new LinkedHashMap<>();
        System.out.println("fio: " + Fio.ensureInstalled() + "; load before: " + Fio.exec(List.of("uptime")).trim());
        FakeHosts hosts = FakeHosts.withLocalDevices(work.resolve("hosts"), 1L << 40, "h1", "h2");

        results.put("raw FileChannel (peer)", run(rawStore(work.resolve("raw"), size), seconds, threads));
        LocalStorageBackend local = new LocalStorageBackend(hosts, work.resolve("local"), false);
        double[] localFigures = run(local.create(new StoreSpec("b", size, 4096, "h1")), seconds, threads);
        results.put("local (sparse file on local0, page cache)", localFigures);
        double[] fioFigures = fio(work.resolve("hosts").resolve("h1").resolve("local0").resolve("b.img"), size, seconds,
                threads);
        results.put("fio on the local store's file (psync, same threads, page cache)", fioFigures);
        double[] ratio = new double[4];
        for (int i = 0; i < 4; i++) {
            ratio[i] = localFigures[i] / fioFigures[i];
        }
        SanBackend san = new SanBackend("bench", work.resolve("san"), 1L << 40, 2, Duration.ZERO);
        results.put("san (2 paths, round robin)", run(san.create(new StoreSpec("b", size, 4096, "h1")), seconds, threads));
        NfsBackend nfs = new NfsBackend("bench", work.resolve("nfs"), 1L << 40, 4 << 20, Duration.ZERO);
        results.put("nfs (4 MiB client write-back cache)", run(nfs.create(new StoreSpec("b", size, 4096, "h1")), seconds,
                threads));
        try (VsanBackend vsan = new VsanBackend(hosts, work.resolve("vsan"), 1, List.of(), Duration.ZERO)) {
            results.put("vsan (2 replicas)", run(vsan.create(new StoreSpec("b", size, 4096, "h1")), seconds, threads));
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        S3Proxy s3 = S3Proxy.builder().blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "bench", "bench-secret").build();
        s3.start();
        while (!"STARTED".equals(s3.getState())) {
            Thread.onSpinWait();
        }
        try (CloudBackend cloud = new CloudBackend(CloudConfig.parse("http://127.0.0.1:" + port, "bench", "us-east-1",
                "bench", "bench-secret", "1M", "0", "1T"))) {
            results.put("cloud (s3proxy in-process on loopback, 1 MiB chunks, no cache)", run(cloud.create(new StoreSpec("b", 64L << 20, 4096, "h1")),
                    seconds, threads));
        } finally {
            s3.stop();
        }

        System.out.printf(Locale.ROOT, "%n%d threads, %d s per test, 256 MiB stores (cloud 64 MiB)%n", threads, seconds);
        System.out.println("| backend | 4K rand write IOPS | 4K rand read IOPS | 1M seq write MiB/s | 1M seq read MiB/s |");
        System.out.println("|---|---:|---:|---:|---:|");
        results.forEach((name, r) -> System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f |%n",
                name, r[0], r[1], r[2], r[3]));
        System.out.printf(Locale.ROOT, "| local / fio | %.2f | %.2f | %.2f | %.2f |%n", ratio[0], ratio[1], ratio[2], ratio[3]);
        System.out.println("load after: " + Fio.exec(List.of("uptime")).trim());
    }

    /** fio on {@code file} with the same four tests, threads and durations: {4K write IOPS, 4K read IOPS, 1M write MiB/s, 1M read MiB/s}. */
    private static double[] fio(Path file, long size, int seconds, int threads) throws IOException, InterruptedException {
        double seqWrite = Fio.run(file, size, "write", LARGE, false, threads, true, seconds).mibPerSecond();
        double randWrite = Fio.run(file, size, "randwrite", SMALL, false, threads, false, seconds).iops();
        double randRead = Fio.run(file, size, "randread", SMALL, false, threads, false, seconds).iops();
        double seqRead = Fio.run(file, size, "read", LARGE, false, threads, true, seconds).mibPerSecond();
        return new double[] {randWrite, randRead, seqWrite, seqRead};
    }

    /** Runs the four tests on {@code store}: {4K write IOPS, 4K read IOPS, 1M write MiB/s, 1M read MiB/s}. */
    private static double[] run(BlockStore store, int seconds, int threads) throws Exception {
        try (store) {
            double seqWrite = measure(store, seconds, threads, LARGE, true, true) * LARGE / (1 << 20);
            store.flush();
            double randWrite = measure(store, seconds, threads, SMALL, true, false);
            store.flush();
            double randRead = measure(store, seconds, threads, SMALL, false, false);
            double seqRead = measure(store, seconds, threads, LARGE, false, true) * LARGE / (1 << 20);
            return new double[] {randWrite, randRead, seqWrite, seqRead};
        }
    }

    /** Operations per second of {@code threads} threads doing {@code size} I/Os for {@code seconds}. */
    private static double measure(BlockStore store, int seconds, int threads, int size, boolean write, boolean sequential)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long blocks = store.capacity() / size;
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long start = System.nanoTime();
        List<Future<Long>> counts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            counts.add(pool.submit(() -> {
                ByteBuffer buffer = ByteBuffer.allocateDirect(size);
                SplittableRandom random = new SplittableRandom(thread);
                while (buffer.hasRemaining()) {
                    buffer.put((byte) random.nextInt());
                }
                long ops = 0;
                long next = thread * (blocks / threads);
                while (System.nanoTime() < deadline) {
                    long block = sequential ? next++ % blocks : random.nextLong(blocks);
                    buffer.clear();
                    if (write) {
                        store.write(block * size, buffer);
                    } else {
                        store.read(block * size, buffer);
                    }
                    ops++;
                }
                return ops;
            }));
        }
        long total = 0;
        for (Future<Long> count : counts) {
            total += count.get();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return total / elapsed;
    }

    /** The peer: a raw positional FileChannel on a file of the same disk, behind the same interface. */
    private static BlockStore rawStore(Path file, long size) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        channel.truncate(0);
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
        return new BlockStore() {
            @Override public String id() { return "raw"; }
            @Override public long capacity() { return size; }
            @Override public void read(long offset, ByteBuffer dst) {
                try {
                    int start = dst.position();
                    while (dst.hasRemaining()) {
                        channel.read(dst, offset + dst.position() - start);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            @Override public void write(long offset, ByteBuffer src) {
                try {
                    int start = src.position();
                    while (src.hasRemaining()) {
                        channel.write(src, offset + src.position() - start);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            @Override public void flush() {
                try {
                    channel.force(false);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            @Override public void trim(long offset, long length) { }
            @Override public void close() {
                try {
                    channel.close();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }
}
