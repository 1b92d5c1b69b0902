package io.vstack.benchmarks.datapath;

import io.vstack.api.disk.DiskException;
import io.vstack.api.io.IoException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 4 KiB random reads, one thread, on the real local backend: a bare {@link
 * io.vstack.api.storage.BlockStore} versus a virtual disk with 0, 1 and 4 no-op filters, with
 * and without {@code O_DIRECT}. Sample mode gives ns/op (mean, p50, p99); {@code -prof gc}
 * gives the bytes allocated per read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class DataPathBenchmark {

    /** The region read: larger than any cache on the way when direct, 256 MiB. */
    static final long CAPACITY = 256L << 20;

    /** {@code bare} (the BlockStore alone) or the number of no-op filters on the disk. */
    @Param({"bare", "0", "1", "4"})
    public String filters;

    @Param({"true", "false"})
    public boolean direct;

    private DataPathFixture fixture;
    private long blocks;

    @Setup(Level.Trial)
    public void build() throws IOException, IoException, DiskException {
        Path dir = Path.of(System.getProperty("vstack.bench.dir", "target/datapath-jmh"))
                .resolve(Long.toString(ProcessHandle.current().pid()));
        Files.createDirectories(dir.getParent());
        fixture = new DataPathFixture(dir, filters.equals("bare") ? -1 : Integer.parseInt(filters), direct, CAPACITY);
        blocks = CAPACITY / DataPathFixture.BLOCK;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        fixture.close();
    }

    /** Per-thread buffer and random stream: nothing allocated per read. */
    @State(Scope.Thread)
    public static class Reader {
        final ByteBuffer buffer = DataPathFixture.alignedBuffer(DataPathFixture.BLOCK);
        final SplittableRandom random = new SplittableRandom(42);
    }

    @Benchmark
    public byte randomRead4k(Reader reader) throws IoException {
        long offset = reader.random.nextLong(blocks) * DataPathFixture.BLOCK;
        ByteBuffer buffer = reader.buffer;
        buffer.clear();
        fixture.read(offset, buffer);
        return buffer.get(0);
    }
}
