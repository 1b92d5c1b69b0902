package io.vstack.benchmarks.memory;

import io.vstack.api.memory.Grant;
import io.vstack.api.memory.MemoryHandle;
import io.vstack.api.memory.MemoryRegion;
import io.vstack.api.memory.Restrictions;
import io.vstack.memory.internal.handle.Broker;
import io.vstack.memory.internal.handle.ClientMain;
import io.vstack.memory.internal.handle.CopyMeter;
import io.vstack.memory.internal.handle.RingServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The memory handle figures (docs/BENCHMARKS.md, section Memory), in one run:
 * <ol>
 * <li>64 B request round trips between two processes, on the shared ring and, as the peer in the
 * same run, the same descriptors with the data on a Unix domain socket (p50/p99/p99.9);</li>
 * <li>64 KiB requests per second, ring vs the same protocol on the socket (QD1, the server reads
 * every byte: a checksum);</li>
 * <li>grant + map of a 1 MiB range, p50 and p99, in this process.</li>
 * </ol>
 * This JVM is the server (broker and ring server, regions on /dev/shm); {@link ClientMain}
 * {@code bench} runs in a second JVM. Arguments: round trips (default 200000), seconds per
 * throughput run (default 5), grant+map iterations (default 20000).
 */
public final class MemoryHandleBench {

    private MemoryHandleBench() {
    }

    public static void main(String[] args) throws Exception {
        int trips = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int grants = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        Path dir = Files.createTempDirectory("vstack-membench");
        Path regions = Path.of("/dev/shm").resolve(dir.getFileName());
        try (Broker broker = new Broker(dir.resolve("state"), regions, 1L << 30, Clock.systemUTC(), new CopyMeter());
             RingServer server = new RingServer(broker, regions.resolve("memory.sock"), () -> null, 4)) {
            server.start();
            Process client = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), ClientMain.class.getName(), "bench",
                    server.socket().toString(), Integer.toString(trips), Integer.toString(seconds))
                    .redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    System.out.println(line);
                }
            }
            if (client.waitFor() != 0) {
                throw new IllegalStateException("bench client failed");
            }
            grantAndMap(broker, grants);
        } finally {
            try (Stream<Path> files = Stream.concat(Files.walk(dir), Files.exists(regions) ? Files.walk(regions) : Stream.empty())) {
                List<Path> all = files.sorted(Comparator.reverseOrder()).toList();
                for (Path p : all) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void grantAndMap(Broker broker, int iterations) throws Exception {
        MemoryRegion region = broker.createRegion("bench", 64L << 20);
        int warmup = iterations / 4;
        long[] t = new long[iterations];
        for (int i = 0; i < warmup + iterations; i++) {
            long t0 = System.nanoTime();
            Grant g = broker.grant(region.id(), "bench", "server", (i % 64) * (1L << 20), 1L << 20, Restrictions.NONE);
            MemoryHandle h = broker.map(g.token());
            long t1 = System.nanoTime();
            if (i >= warmup) {
                t[i - warmup] = t1 - t0;
            }
            h.close();
            broker.revoke(g.id(), false);
        }
        Arrays.sort(t);
        System.out.printf(Locale.ROOT, "RESULT grant+map p50=%.1fus p99=%.1fus%n", t[t.length / 2] / 1e3,
                t[(int) (t.length * 0.99)] / 1e3);
    }
}
