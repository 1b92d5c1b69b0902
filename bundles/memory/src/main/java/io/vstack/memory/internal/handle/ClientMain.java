package io.vstack.memory.internal.handle;

import io.vstack.memory.internal.handle.MemoryClient.Completion;
import io.vstack.memory.internal.handle.Wire.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * A memory client process, run with plain {@code java -cp} (tests, benchmarks, and by hand):
 * <pre>
 * write    SOCKET DISK BYTES CHUNK [verify]
 *                                    patterned pages written to DISK from a region, by reference;
 *                                    with verify, the region is zeroed, read back from DISK through a
 *                                    writable handle, and checked
 * sparse   SOCKET BYTES SECTION      a sparse region; one sum in each of 3 sections (0, middle, last),
 *                                    then waits for a line on stdin before it disconnects
 * truncate SOCKET DISK               truncates its region's file under a mapped handle, then asks again
 * bench    SOCKET ITERATIONS SECONDS 64 B round trips and 64 KiB requests, ring and stream
 * </pre>
 * Prints {@code RESULT key=value...} lines; exits 0 when every check held, 1 otherwise.
 */
public final class ClientMain {

    private ClientMain() {
    }

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[1]);
        boolean ok;
        switch (args[0]) {
            case "write":
                ok = write(socket, args[2], Long.parseLong(args[3]), Integer.parseInt(args[4]),
                        args.length > 5 && args[5].equals("verify"));
                break;
            case "sparse":
                ok = sparse(socket, Long.parseLong(args[2]), Long.parseLong(args[3]));
                break;
            case "truncate":
                ok = truncate(socket, args[2]);
                break;
            case "bench":
                ok = bench(socket, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
                break;
            default:
                System.out.println("RESULT unknown mode " + args[0]);
                ok = false;
        }
        System.out.flush();
        System.exit(ok ? 0 : 1);
    }

    private static boolean write(Path socket, String disk, long bytes, int chunk, boolean verify) throws IOException {
        try (MemoryClient c = new MemoryClient(socket, "writer")) {
            c.createRegion(bytes);
            long t0 = System.nanoTime();
            for (int i = 0; i < c.windows(); i++) {
                PagePattern.fill(c.window(i), i * MemoryClient.WINDOW);
            }
            long handle = c.handle(c.grant(0, bytes, "ro"));
            long writable = verify ? c.handle(c.grant(0, bytes)) : 0;
            int d = c.disk(disk);
            c.openRing(64);
            long t1 = System.nanoTime();
            long submitted = 0;
            long completed = 0;
            boolean ok = true;
            while (completed < bytes) {
                while (submitted < bytes) {
                    long n = Math.min(chunk, bytes - submitted);
                    if (c.submit(Wire.OP_WRITE, handle, d, submitted, n, submitted) < 0) {
                        break;
                    }
                    submitted += n;
                }
                Completion done = c.take();
                if (done.status() != Status.OK) {
                    System.out.println("RESULT failed request " + done.seq() + ": " + done.status());
                    ok = false;
                }
                completed += Math.min(chunk, bytes - (done.seq() - 1) * chunk);
            }
            Status flushed = c.call(Wire.OP_FLUSH, 0, d, 0, 0, 0).status();
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "RESULT written=%d fillMs=%d writeMs=%d flush=%s%n", bytes, (t1 - t0) / 1_000_000,
                    (t2 - t1) / 1_000_000, flushed);
            ok &= flushed == Status.OK;
            if (verify) {
                ok &= readBack(c, writable, d, bytes, chunk);
            }
            return ok;
        }
    }

    /** Zeroes the region, has the server read the disk into it through the writable handle, checks the pattern. */
    private static boolean readBack(MemoryClient c, long handle, int disk, long bytes, int chunk) throws IOException {
        for (int i = 0; i < c.windows(); i++) {
            ByteBuffer w = c.window(i);
            for (int at = 0; at + 8 <= w.limit(); at += 8) {
                w.putLong(at, 0);
            }
        }
        boolean ok = true;
        for (long at = 0; at < bytes; at += chunk) {
            Status s = c.call(Wire.OP_READ, handle, disk, at, Math.min(chunk, bytes - at), at).status();
            ok &= s == Status.OK;
        }
        long mismatch = -1;
        for (int i = 0; i < c.windows() && mismatch < 0; i++) {
            long m = PagePattern.firstMismatch(c.window(i), i * MemoryClient.WINDOW);
            mismatch = m < 0 ? -1 : i * MemoryClient.WINDOW + m;
        }
        System.out.println("RESULT readBack=" + (ok ? "OK" : "FAILED") + " firstMismatch=" + mismatch);
        return ok && mismatch < 0;
    }

    private static boolean sparse(Path socket, long bytes, long section) throws IOException {
        try (MemoryClient c = new MemoryClient(socket, "sparse")) {
            c.createRegion(bytes);
            long sections = bytes / section;
            long[] offsets = {0, (sections / 2) * section + 8192, (sections - 1) * section + section - 4096};
            long handle = c.handle(c.grant(0, bytes));
            int mappedBefore = c.mappedSections(handle);
            c.openRing(8);
            boolean ok = mappedBefore == 0;
            for (long at : offsets) {
                ByteBuffer page = c.window((int) (at / MemoryClient.WINDOW))
                        .slice((int) (at % MemoryClient.WINDOW), 4096);
                PagePattern.fill(page, at);
                long expected = WordSum.update(WordSum.SEED, page);
                Completion sum = c.call(Wire.OP_SUM, handle, 0, at, 4096, 0);
                ok &= sum.status() == Status.OK && sum.result() == expected;
                System.out.println("RESULT sum offset=" + at + " status=" + sum.status()
                        + " matches=" + (sum.result() == expected));
            }
            System.out.println("RESULT mappedBefore=" + mappedBefore);
            System.out.flush();
            // Holds the handle until the caller has looked at the server's side (one line on stdin).
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
                    .readLine();
            return ok;
        }
    }

    private static boolean truncate(Path socket, String disk) throws IOException {
        long bytes = 8L << 20;
        try (MemoryClient c = new MemoryClient(socket, "truncator")) {
            c.createRegion(bytes);
            PagePattern.fill(c.window(0), 0);
            long handle = c.handle(c.grant(0, bytes));
            int d = c.disk(disk);
            c.openRing(8);
            Status before = c.call(Wire.OP_SUM, handle, 0, 0, bytes, 0).status();
            try (FileChannel ch = FileChannel.open(c.regionFile(), StandardOpenOption.WRITE)) {
                ch.truncate(RegionFile.HEADER);
            }
            Status after = c.call(Wire.OP_SUM, handle, 0, 0, bytes, 0).status();
            Status write = c.call(Wire.OP_WRITE, handle, d, 0, 4096, 0).status();
            Status nop = c.call(Wire.OP_NOP, 0, 0, 0, 0, 0).status();
            System.out.println("RESULT before=" + before + " after=" + after + " write=" + write + " nop=" + nop);
            return before == Status.OK && after == Status.MEMORY_FAULT && nop == Status.OK;
        }
    }

    private static boolean bench(Path socket, int iterations, int seconds) throws IOException {
        long bytes = 64L << 20;
        try (MemoryClient ring = new MemoryClient(socket, "bench-ring");
             MemoryClient stream = new MemoryClient(socket, "bench-stream")) {
            ring.createRegion(bytes);
            PagePattern.fill(ring.window(0), 0);
            long handle = ring.handle(ring.grant(0, bytes));
            ring.openRing(256);
            stream.openStream();
            ByteBuffer data = ByteBuffer.allocateDirect(64 << 10);
            PagePattern.fill(data, 0);

            long[] ringRtt = roundTrips(iterations, i -> ring.callRaw(Wire.OP_SUM, handle, 0, (i & 1023) * 64L, 64, 0));
            long[] streamRtt = roundTrips(iterations, i -> stream.stream(Wire.OP_SUM, 0, data.clear().limit(64), 0));
            report("rtt64 ring", ringRtt);
            report("rtt64 uds", streamRtt);
            long chunk = 64 << 10;
            double ringRate = rate(seconds, i -> ring.callRaw(Wire.OP_SUM, handle, 0, (i % 1024) * chunk, chunk, 0));
            double streamRate = rate(seconds, i -> stream.stream(Wire.OP_SUM, 0, data.clear(), 0));
            System.out.printf(Locale.ROOT, "RESULT req64k ring=%.0f/s uds=%.0f/s ratio=%.2f%n", ringRate, streamRate,
                    ringRate / streamRate);
            return true;
        }
    }

    /** One request; returns its status code (0: OK). */
    private interface Op {
        int run(long i) throws IOException;
    }

    private static long[] roundTrips(int iterations, Op op) throws IOException {
        int warmup = iterations / 4;
        long[] t = new long[iterations];
        for (int i = 0; i < warmup + iterations; i++) {
            long t0 = System.nanoTime();
            if (op.run(i) != 0) {
                throw new IOException("request failed");
            }
            if (i >= warmup) {
                t[i - warmup] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(t);
        return t;
    }

    private static void report(String what, long[] sorted) {
        System.out.printf(Locale.ROOT, "RESULT %s p50=%.3fus p99=%.3fus p999=%.3fus%n", what,
                sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.99)] / 1e3,
                sorted[(int) (sorted.length * 0.999)] / 1e3);
    }

    private static double rate(int seconds, Op op) throws IOException {
        long i = 0;
        long end = System.nanoTime() + seconds * 1_000_000_000L / 4;
        while (System.nanoTime() < end) {
            op.run(i++);
        }
        i = 0;
        long t0 = System.nanoTime();
        end = t0 + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            if (op.run(i++) != 0) {
                throw new IOException("request failed");
            }
        }
        return i * 1e9 / (System.nanoTime() - t0);
    }
}
