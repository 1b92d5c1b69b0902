package io.vstack.benchmarks.datapath;

import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.filter.Upcall;
import io.vstack.api.io.IoException;
import io.vstack.api.io.UpcallTimeoutException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
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
 * Disk access, on the real local backend (page-cached reads of a 32 MiB disk) through the
 * {@code DiskService} filter framework, one thread:
 * <ul>
 * <li>{@code read4k}: 4 KiB random reads through two no-op filters, by a handle opened normally
 * ({@code entry=open}) and by one opened at the top filter ({@code entry=openAt}): the same
 * filters are passed, so the difference is the cost of entering at a filter;</li>
 * <li>{@code hungUpcall}: a read on a disk whose filter's upcall never answers
 * ({@code upcallTimeout=20ms}): the time until the read fails with an
 * {@link UpcallTimeoutException} (the lateness is this minus 20 ms); {@code park20ms}, its peer in
 * the same run, is a bare 20 ms timed park: what the scheduler adds to any timed wait.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Threads(1)
public class DiskAccessBenchmark {

    static final long CAPACITY = 32L << 20;
    /** The hung upcall's deadline. */
    static final String UPCALL_TIMEOUT = "20ms";

    @Param({"open", "openAt"})
    public String entry;

    private DataPathFixture fixture;
    private DiskHandle handle;
    private DiskHandle hung;
    private final CountDownLatch never = new CountDownLatch(1);
    private long blocks;

    @Setup(Level.Trial)
    public void build() throws IOException, IoException, DiskException {
        Path dir = Path.of(System.getProperty("vstack.bench.dir", "target/access-jmh"))
                .resolve(Long.toString(ProcessHandle.current().pid()));
        Files.createDirectories(dir.getParent());
        fixture = new DataPathFixture(dir, 2, false, CAPACITY);
        handle = entry.equals("open") ? fixture.disk().open("benchmark") : fixture.disk().openAt("benchmark", "noop1");
        blocks = CAPACITY / DataPathFixture.BLOCK;
        fixture.service().factoryAdded(new HangFactory(() -> {
            never.await();
            return null;
        }));
        fixture.service().create(io.vstack.api.disk.DiskSpec.of("hung", 1 << 20, io.vstack.api.storage.BackendType.LOCAL,
                DataPathFixture.HOST));
        fixture.service().attach("hung", "hang", Map.of("upcallTimeout", UPCALL_TIMEOUT));
        hung = fixture.service().disk("hung").orElseThrow().open("benchmark");
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        never.countDown();
        handle.close();
        hung.close();
        fixture.close();
    }

    @Benchmark
    public byte read4k(DataPathBenchmark.Reader reader) throws IoException {
        long offset = reader.random.nextLong(blocks) * DataPathFixture.BLOCK;
        ByteBuffer buffer = reader.buffer;
        buffer.clear();
        handle.read(offset, buffer);
        return buffer.get(0);
    }

    @Benchmark
    @Warmup(iterations = 1, time = 1)
    public Object hungUpcall(DataPathBenchmark.Reader reader) throws IoException {
        ByteBuffer buffer = reader.buffer;
        buffer.clear();
        try {
            hung.read(0, buffer);
        } catch (UpcallTimeoutException expected) {
            return expected;
        }
        throw new IllegalStateException("a hung upcall's read completed");
    }

    /** The peer of {@link #hungUpcall} in the same run: a bare timed park of the upcall deadline (the scheduler's wake-up). */
    @Benchmark
    @Warmup(iterations = 1, time = 1)
    public long park20ms() {
        long start = System.nanoTime();
        java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        return System.nanoTime() - start;
    }

    /** A filter that runs {@code upcall} for every request. */
    static final class HangFactory implements IoFilterFactory {
        private final Upcall<Object> upcall;

        HangFactory(Upcall<Object> upcall) {
            this.upcall = upcall;
        }

        @Override
        public FilterDescriptor descriptor() {
            return new FilterDescriptor("hang", FilterClass.INSPECTION, 0, "benchmark: an upcall that never answers");
        }

        @Override
        public IoFilter create(FilterContext context) {
            return (request, next) -> {
                context.upcalls().call(request, upcall);
                next.proceed(request);
            };
        }
    }
}
