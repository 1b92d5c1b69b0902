package io.vstack.workload.internal;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.io.DiskUnavailableException;
import io.vstack.api.io.IoException;
import io.vstack.api.trace.TraceSource;
import io.vstack.api.workload.LatencySummary;
import io.vstack.api.workload.OpFigures;
import io.vstack.api.workload.WorkloadPattern;
import io.vstack.api.workload.WorkloadProgress;
import io.vstack.api.workload.WorkloadResult;
import io.vstack.api.workload.WorkloadSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.HdrHistogram.Histogram;

/**
 * One run of a workload on one open handle: its worker threads, shared counters, and the
 * figures it returns. Built and run by {@link WorkloadRunnerImpl}; a plain object for tests.
 */
final class Run {

    static final long HIGHEST_NANOS = 60_000_000_000L;
    /** How long a run waits for its workers past its deadline or an interrupt before it leaves them. */
    static final Duration GRACE = Duration.ofSeconds(1);
    /** Heap the latency histograms of one worker take (three, one per op type). */
    static final long HISTOGRAM_BYTES = 3L * new Histogram(1, HIGHEST_NANOS, 3).getEstimatedFootprintInBytes();
    private static final int READ = 0;
    private static final int WRITE = 1;
    private static final int FLUSH = 2;
    // per-thread progress counters
    private static final int OPS = 0;
    private static final int BYTES = 1;
    private static final int ERRORS = 2;
    private static final int VERIFY_FAILURES = 3;
    private static final int ALIGNMENT = 4096;
    private static final int VERIFIED = 4;

    private final String diskId;
    private final DiskHandle handle;
    private final WorkloadSpec spec;
    private final int blockSize;
    private final long regionBlocks;
    private final long opLimit;
    private final TraceSource trace;
    private final GenerationTable generations;
    private final ZipfSampler zipf;
    private final AtomicLong tickets = new AtomicLong();
    private volatile boolean stopping;
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final List<WorkloadResult.Failure> failures = new ArrayList<>();
    private final List<Worker> workers = new ArrayList<>();
    private long startNanos;
    private long endNanos;

    /**
     * @param regionBlocks blocks of {@code spec.blockSize()} the I/Os cover (from offset 0)
     * @param trace        for a trace pattern, the open trace; else null
     */
    Run(String diskId, DiskHandle handle, WorkloadSpec spec, long regionBlocks, TraceSource trace) {
        this.diskId = diskId;
        this.handle = handle;
        this.spec = spec;
        this.blockSize = spec.blockSize();
        this.regionBlocks = regionBlocks;
        this.trace = trace;
        boolean verifying = spec.verify() && spec.pattern() != WorkloadPattern.VERIFY_ONLY;
        this.generations = verifying ? new GenerationTable(Math.toIntExact(regionBlocks)) : null;
        this.zipf = spec.zipfTheta() > 0 ? new ZipfSampler(regionBlocks, spec.zipfTheta()) : null;
        boolean timed = !spec.duration().isZero();
        if (spec.pattern() == WorkloadPattern.VERIFY_ONLY) {
            this.opLimit = spec.ops() > 0 ? Math.min(spec.ops(), regionBlocks) : regionBlocks;
        } else if (spec.ops() > 0) {
            this.opLimit = spec.ops();
        } else if (timed || spec.pattern() == WorkloadPattern.TRACE) {
            this.opLimit = Long.MAX_VALUE;
        } else {
            this.opLimit = regionBlocks;
        }
    }

    /** Asks the workers to stop after their current I/O. */
    void stop() {
        stopping = true;
    }

    /**
     * Runs to the end, reporting progress each second on the calling thread. If the calling
     * thread is interrupted, stops the workers and returns what ran (the interrupt status is set
     * again). Waits for the workers at most {@link #GRACE} past the run's deadline or past the
     * interrupt: a worker whose request a filter still holds then is interrupted and left to
     * finish on its own, and counted in {@link WorkloadResult#inFlight()}.
     */
    WorkloadResult execute(Consumer<WorkloadProgress> progress, String threadPrefix) {
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(spec.threads());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < spec.threads(); i++) {
            Worker worker = new Worker(i, go, done);
            workers.add(worker);
            Thread thread = new Thread(worker, threadPrefix + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        boolean interrupted = false;
        startNanos = System.nanoTime();
        boolean bounded = !spec.duration().isZero();     // giveUpAt holds a time
        long giveUpAt = 0;
        if (bounded) {
            long deadline = startNanos + spec.duration().toNanos();
            for (Worker worker : workers) {
                worker.deadline = deadline;
            }
            giveUpAt = deadline + GRACE.toNanos();
        }
        go.countDown();
        long lastNanos = startNanos;
        long lastOps = 0;
        long lastBytes = 0;
        boolean finished = false;
        while (!finished) {
            try {
                long wait = TimeUnit.SECONDS.toNanos(1);
                if (bounded) {
                    wait = Math.min(wait, giveUpAt - System.nanoTime());
                }
                finished = done.await(Math.max(wait, 0), TimeUnit.NANOSECONDS);
                if (finished || bounded && System.nanoTime() - giveUpAt >= 0) {
                    break;
                }
                long now = System.nanoTime();
                long ops = sum(OPS);
                long bytes = sum(BYTES);
                double seconds = (now - lastNanos) / 1e9;
                progress.accept(new WorkloadProgress(Duration.ofNanos(now - startNanos), ops, bytes, sum(ERRORS),
                        sum(VERIFY_FAILURES), (ops - lastOps) / seconds, (bytes - lastBytes) / seconds / (1 << 20)));
                lastNanos = now;
                lastOps = ops;
                lastBytes = bytes;
            } catch (InterruptedException e) {
                if (!interrupted) {
                    interrupted = true;
                    stop();
                    long graceEnd = System.nanoTime() + GRACE.toNanos();
                    if (!bounded || graceEnd - giveUpAt < 0) {
                        giveUpAt = graceEnd;
                    }
                    bounded = true;
                }
            }
        }
        long inFlight = 0;
        if (finished) {
            endNanos = Math.max(startNanos, workers.stream().mapToLong(w -> w.lastEnd).max().orElse(startNanos));
        } else {
            stop();
            endNanos = System.nanoTime();
            inFlight = workers.stream().filter(w -> w.inIo).count();
            threads.forEach(Thread::interrupt);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return result(interrupted, inFlight);
    }

    private long sum(int counter) {
        long total = 0;
        for (Worker worker : workers) {
            total += worker.counters.get(counter);
        }
        return total;
    }

    private WorkloadResult result(boolean interrupted, long inFlight) {
        Histogram[] merged = {new Histogram(1, HIGHEST_NANOS, 3), new Histogram(1, HIGHEST_NANOS, 3),
            new Histogram(1, HIGHEST_NANOS, 3)};
        long[] ops = new long[3];
        long[] bytes = new long[3];
        for (Worker worker : workers) {
            for (int i = 0; i < 3; i++) {
                merged[i].add(worker.latency[i]);
                ops[i] += worker.ops[i];
                bytes[i] += worker.bytes[i];
            }
        }
        List<WorkloadResult.Failure> listed;
        synchronized (failures) {
            listed = List.copyOf(failures);
        }
        long errors = sum(ERRORS);
        if (errors > 0 && ops[READ] + ops[WRITE] + ops[FLUSH] == 0 && !listed.isEmpty()) {
            WorkloadResult.Failure first = listed.get(0);
            failure.compareAndSet(null, "all " + errors + " I/Os failed; the first, a " + first.what() + " at offset "
                    + first.offset() + ": " + first.message());
        }
        WorkloadResult.StopReason reason = failure.get() != null ? WorkloadResult.StopReason.FAILED
                : interrupted ? WorkloadResult.StopReason.INTERRUPTED : WorkloadResult.StopReason.COMPLETED;
        return new WorkloadResult(diskId, spec, Duration.ofNanos(endNanos - startNanos),
                new OpFigures(ops[READ], bytes[READ], summary(merged[READ])),
                new OpFigures(ops[WRITE], bytes[WRITE], summary(merged[WRITE])),
                new OpFigures(ops[FLUSH], 0, summary(merged[FLUSH])),
                errors, sum(VERIFIED), sum(VERIFY_FAILURES), listed, reason, Optional.ofNullable(failure.get()), inFlight);
    }

    /** The latency summary of a histogram of nanoseconds. */
    static LatencySummary summary(Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return LatencySummary.EMPTY;
        }
        return new LatencySummary(histogram.getTotalCount(), histogram.getMean(), histogram.getValueAtPercentile(50),
                histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9), histogram.getMaxValue());
    }

    private void fail(String message) {
        failure.compareAndSet(null, message);
        stop();
    }

    private void recordFailure(long offset, String what, String message) {
        synchronized (failures) {
            if (failures.size() < WorkloadResult.MAX_FAILURES) {
                failures.add(new WorkloadResult.Failure(offset, what, message));
            }
        }
    }

    /** One issuing thread: its buffer, generator, histograms and counters, all made before the run starts. */
    private final class Worker implements Runnable {
        private final CountDownLatch go;
        private final CountDownLatch done;
        private final ByteBuffer buffer;
        private final SplittableRandom random;
        private final CRC32C crc = new CRC32C();
        private final Histogram[] latency = {new Histogram(1, HIGHEST_NANOS, 3), new Histogram(1, HIGHEST_NANOS, 3),
            new Histogram(1, HIGHEST_NANOS, 3)};
        private final long[] ops = new long[3];
        private final long[] bytes = new long[3];
        private final AtomicLongArray counters = new AtomicLongArray(5);
        private volatile long deadline;
        /** True while a request of this worker is in the disk's chain. */
        private volatile boolean inIo;
        private long lastEnd;
        private long writesSinceFlush;

        Worker(int index, CountDownLatch go, CountDownLatch done) {
            this.go = go;
            this.done = done;
            this.random = new SplittableRandom(spec.seed() * 0x9E3779B97F4A7C15L + index);
            this.buffer = alignedBuffer(blockSize);
            if (!spec.verify()) {
                for (int i = 0; i + 8 <= blockSize; i += 8) {
                    buffer.putLong(i, random.nextLong());
                }
            }
        }

        @Override
        public void run() {
            try {
                go.await();
                loop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                fail(e.getMessage());
            } catch (RuntimeException e) {
                fail("workload thread failed: " + e);
            } finally {
                lastEnd = System.nanoTime();
                done.countDown();
            }
        }

        private void loop() throws IOException {
            WorkloadPattern pattern = spec.pattern();
            long limit = deadline;
            while (!stopping) {
                long ticket = tickets.getAndIncrement();
                if (ticket >= opLimit) {
                    return;
                }
                if (limit != 0 && System.nanoTime() - limit >= 0) {
                    return;
                }
                long block;
                boolean read;
                switch (pattern) {
                    case READ, VERIFY_ONLY -> {
                        block = ticket % regionBlocks;
                        read = true;
                    }
                    case WRITE -> {
                        block = ticket % regionBlocks;
                        read = false;
                    }
                    case RANDREAD, RANDWRITE, RANDRW -> {
                        block = zipf != null ? zipf.sample(random) - 1 : random.nextLong(regionBlocks);
                        read = pattern == WorkloadPattern.RANDREAD
                                || (pattern == WorkloadPattern.RANDRW && random.nextInt(100) < spec.readPercent());
                    }
                    case TRACE -> {
                        long key = trace.next();
                        if (key == TraceSource.END) {
                            return;
                        }
                        block = Math.floorMod(key, regionBlocks);
                        read = spec.readPercent() == 100 || random.nextInt(100) < spec.readPercent();
                    }
                    default -> throw new IllegalStateException("pattern " + pattern);
                }
                if (read) {
                    read(block);
                } else {
                    write(block);
                }
            }
        }

        private void read(long block) {
            long offset = block * blockSize;
            int before = generations != null ? generations.sample((int) block) : 0;
            buffer.clear();
            long start = System.nanoTime();
            inIo = true;
            try {
                handle.read(offset, buffer);
                long end = System.nanoTime();
                completed(READ, end - start, blockSize, end);
            } catch (IoException e) {
                failed(READ, start, offset, "read", e);
                return;
            }
            if (spec.verify() || spec.pattern() == WorkloadPattern.VERIFY_ONLY) {
                verify(block, offset, before);
            }
        }

        private void verify(long block, long offset, int before) {
            int expected = 0;
            if (generations != null) {
                int after = generations.sample((int) block);
                if (before != after || before < 0 || before == GenerationTable.UNKNOWN) {
                    return;         // a write raced this read, or a failed write left it unknown: no judgement
                }
                expected = before;
            }
            VerifyBlocks.Verdict verdict = VerifyBlocks.check(buffer, blockSize, offset, expected, crc);
            boolean strict = expected > 0;
            switch (verdict) {
                case OK -> counters.lazySet(VERIFIED, counters.get(VERIFIED) + 1);
                case ZEROS, FOREIGN -> {
                    if (strict) {
                        verifyFailed(offset, "expected generation " + expected + ", found "
                                + (verdict == VerifyBlocks.Verdict.ZEROS ? "zeros" : "no verify header"));
                    } else if (verdict == VerifyBlocks.Verdict.FOREIGN && spec.pattern() == WorkloadPattern.VERIFY_ONLY) {
                        verifyFailed(offset, "neither zeros nor a verify header (corrupt data, or not written by --verify)");
                    }
                }
                case BAD_CRC -> verifyFailed(offset, "checksum of the block does not match its header (corrupt data)");
                case WRONG_OFFSET -> verifyFailed(offset, "block belongs to offset " + VerifyBlocks.offset(buffer)
                        + " (misplaced write)");
                case WRONG_GENERATION -> verifyFailed(offset, "expected generation " + expected + ", found "
                        + VerifyBlocks.generation(buffer) + " (stale data)");
            }
        }

        private void verifyFailed(long offset, String message) {
            counters.lazySet(VERIFY_FAILURES, counters.get(VERIFY_FAILURES) + 1);
            recordFailure(offset, "verify", message);
        }

        private void write(long block) throws IoException {
            long offset = block * blockSize;
            int generation = 0;
            if (generations != null) {
                generation = generations.beginWrite((int) block);
                VerifyBlocks.fill(buffer, blockSize, offset, generation, crc);
            }
            buffer.clear();
            long start = System.nanoTime();
            boolean ok = false;
            inIo = true;
            try {
                handle.write(offset, buffer);
                long end = System.nanoTime();
                completed(WRITE, end - start, blockSize, end);
                ok = true;
            } catch (IoException e) {
                failed(WRITE, start, offset, "write", e);
            } finally {
                if (generations != null) {
                    generations.endWrite((int) block, generation, ok);
                }
            }
            if (ok && spec.flushEvery() > 0 && ++writesSinceFlush >= spec.flushEvery()) {
                writesSinceFlush = 0;
                long flushStart = System.nanoTime();
                inIo = true;
                try {
                    handle.flush();
                    long end = System.nanoTime();
                    inIo = false;
                    latency[FLUSH].recordValue(clamp(end - flushStart));
                    ops[FLUSH]++;
                    lastEnd = end;
                } catch (IoException e) {
                    failed(FLUSH, flushStart, 0, "flush", e);
                }
            }
        }

        private void completed(int op, long nanos, int length, long end) {
            inIo = false;
            latency[op].recordValue(clamp(nanos));
            ops[op]++;
            bytes[op] += length;
            lastEnd = end;
            counters.lazySet(OPS, counters.get(OPS) + 1);
            counters.lazySet(BYTES, counters.get(BYTES) + length);
        }

        private void failed(int op, long start, long offset, String what, IoException e) {
            long end = System.nanoTime();
            inIo = false;
            latency[op].recordValue(clamp(end - start));
            lastEnd = end;
            counters.lazySet(ERRORS, counters.get(ERRORS) + 1);
            recordFailure(offset, what, e.getMessage());
            if (e instanceof DiskUnavailableException) {
                fail("disk " + diskId + " became unavailable: " + e.getMessage());
            }
        }
    }

    /**
     * A direct buffer of {@code size} bytes whose address is a multiple of 4096, so that a backend
     * that does direct I/O (which needs aligned buffers) takes it as it is instead of copying.
     */
    static ByteBuffer alignedBuffer(int size) {
        return ByteBuffer.allocateDirect((int) bufferBytes(size)).alignedSlice(ALIGNMENT).slice(0, size);
    }

    /** Direct memory {@link #alignedBuffer} takes for {@code size} bytes. */
    static long bufferBytes(int size) {
        return (size + ALIGNMENT - 1L) / ALIGNMENT * ALIGNMENT + ALIGNMENT;
    }

    private static long clamp(long nanos) {
        return nanos < 1 ? 1 : Math.min(nanos, HIGHEST_NANOS);
    }
}
