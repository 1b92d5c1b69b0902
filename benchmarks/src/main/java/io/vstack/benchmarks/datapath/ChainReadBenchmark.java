package io.vstack.benchmarks.datapath;

import io.vstack.api.disk.DiskException;
import io.vstack.api.io.IoException;
import java.io.IOException;
import java.nio.ByteBuffer;
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
 * 4 KiB random reads through a chain of differencing disks ({@link ChainFixture}) of depth 1 (one
 * disk) and 8 (a base and seven differencing disks), real local backend, page cache, so that the
 * layer's own cost shows; and the peer, the same reads straight from the member files. Target:
 * depth 8 costs at most 1.1x depth 1 (the block lookup is one array read, whatever the depth).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class ChainReadBenchmark {

    static final long CAPACITY = 128L << 20;

    /** Disks in the chain read through. */
    @Param({"1", "8"})
    public int depth;

    /** {@code spread}: block b in member b % depth; {@code base}: every block in the base. */
    @Param({"spread", "base"})
    public String layout;

    private ChainFixture fixture;
    private long blocks;

    @Setup(Level.Trial)
    public void build() throws IOException, IoException, DiskException {
        Path dir = Path.of(System.getProperty("vstack.bench.dir", "target/chain-jmh")).resolve(Long.toString(ProcessHandle.current().pid()));
        fixture = new ChainFixture(dir, depth, layout.equals("spread"), CAPACITY);
        blocks = fixture.blocks();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        fixture.close();
    }

    /** Per-thread buffer and random stream: nothing allocated per read. */
    @State(Scope.Thread)
    public static class Reader {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(ChainFixture.BLOCK);
        final SplittableRandom random = new SplittableRandom(42);
    }

    @Benchmark
    public byte randomRead4k(Reader reader) throws IoException {
        ByteBuffer buffer = reader.buffer;
        buffer.clear();
        fixture.read(reader.random.nextLong(blocks), buffer);
        return buffer.get(0);
    }

    /** The peer: the same reads from the member files with {@code FileChannel}, no vstack. */
    @Benchmark
    public byte bareFilesRead4k(Reader reader) throws IOException {
        ByteBuffer buffer = reader.buffer;
        buffer.clear();
        fixture.readBare(reader.random.nextLong(blocks), buffer);
        return buffer.get(0);
    }
}
