package io.vstack.api.workload;

import io.vstack.api.trace.TraceFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a workload does. Immutable; build one with {@link #builder(WorkloadPattern)}.
 * <p><b>How long it runs.</b> A run stops at whichever limit it reaches first: {@link #ops()}
 * I/Os in all (flushes not counted), or {@link #duration()}. With neither, a sequential pattern
 * and {@link WorkloadPattern#VERIFY_ONLY} make one pass over the region, a random pattern issues
 * as many I/Os as the region has blocks, and a trace replays to its end. A trace also ends at
 * its end when a limit is not yet reached.
 * <p><b>Verify.</b> With {@link #verify()}, every written block carries a header (magic, byte
 * offset, generation, CRC32C of the whole block) and the rest of the block is a pattern derived
 * from offset and generation. The runner keeps a generation per block: a read of a block this
 * run wrote must return that generation intact; a read of a block it has not written must be
 * zeros or a self-consistent block of an earlier run. Each mismatch is a verify failure, counted
 * and reported with its offset.
 *
 * @param pattern     where the I/Os go and which they are
 * @param blockSize   bytes per I/O: a multiple of 512 up to 16 MiB, and a multiple of the disk's block size
 * @param threads     threads issuing synchronous I/O, that is the queue depth: 1 to 1024
 * @param regionSize  bytes from offset 0 that the I/Os cover, a multiple of {@code blockSize}; 0 = the whole disk
 * @param duration    stop after this long; {@link Duration#ZERO} = no time limit
 * @param ops         stop after this many I/Os; 0 = no count limit
 * @param readPercent for {@link WorkloadPattern#RANDRW} and {@link WorkloadPattern#TRACE}: the share of reads, 0 to 100
 * @param zipfTheta   for random patterns: Zipf exponent of the block popularity (block 0 of the region
 *                    hottest); 0 = uniform
 * @param flushEvery  each thread flushes after every this many of its writes; 0 = never
 * @param verify      write verifiable blocks and check every read
 * @param trace       for {@link WorkloadPattern#TRACE}: the trace file
 * @param traceFormat for {@link WorkloadPattern#TRACE}: the record encoding of the file; {@link TraceFormat#AUTO}
 *                    (the default) = binary u32 for an xz file, text otherwise (see {@link io.vstack.api.trace.TraceReader})
 * @param seed        seed of the random draws (offsets, read/write mix, data); equal seeds, equal draws per thread
 */
public record WorkloadSpec(WorkloadPattern pattern, int blockSize, int threads, long regionSize, Duration duration,
                           long ops, int readPercent, double zipfTheta, long flushEvery, boolean verify,
                           Optional<Path> trace, TraceFormat traceFormat, long seed) {

    /** The largest block size, 16 MiB. */
    public static final int MAX_BLOCK_SIZE = 16 << 20;

    /** The most threads, 1024. */
    public static final int MAX_THREADS = 1024;

    /**
     * @throws IllegalArgumentException naming the option that is wrong (as the {@code workload:run} option)
     */
    public WorkloadSpec {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(traceFormat, "traceFormat");
        if (blockSize < 512 || blockSize > MAX_BLOCK_SIZE || blockSize % 512 != 0) {
            throw new IllegalArgumentException("--bs " + blockSize + " must be a multiple of 512 from 512 to 16M");
        }
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("--threads " + threads + " must be from 1 to " + MAX_THREADS);
        }
        if (regionSize < 0 || regionSize % blockSize != 0) {
            throw new IllegalArgumentException("--size " + regionSize + " must be a multiple of the block size " + blockSize);
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("--duration must not be negative");
        }
        if (ops < 0) {
            throw new IllegalArgumentException("--ops " + ops + " must not be negative");
        }
        if (readPercent < 0 || readPercent > 100) {
            throw new IllegalArgumentException("--mix " + readPercent + " must be a read percentage from 0 to 100");
        }
        if (!(zipfTheta >= 0 && zipfTheta <= 100)) {
            throw new IllegalArgumentException("--zipf " + zipfTheta + " must be from 0 (uniform) to 100");
        }
        if (zipfTheta > 0 && !pattern.isRandom()) {
            throw new IllegalArgumentException("--zipf applies to randread, randwrite and randrw, not " + pattern.name().toLowerCase());
        }
        if (flushEvery < 0) {
            throw new IllegalArgumentException("--flush-every " + flushEvery + " must not be negative");
        }
        if (pattern == WorkloadPattern.TRACE && trace.isEmpty()) {
            throw new IllegalArgumentException("the trace pattern needs --trace <file>");
        }
        if (pattern != WorkloadPattern.TRACE && (trace.isPresent() || traceFormat != TraceFormat.AUTO)) {
            throw new IllegalArgumentException("--trace replays a trace; it cannot be combined with pattern " + pattern.name().toLowerCase());
        }
    }

    /** A builder with the defaults: 4 KiB blocks, 1 thread, whole disk, reads 50 % (100 % for a trace), seed 1. */
    public static Builder builder(WorkloadPattern pattern) {
        return new Builder(pattern);
    }

    /** Builds a {@link WorkloadSpec}; every setter returns the builder. Not thread-safe. */
    public static final class Builder {
        private final WorkloadPattern pattern;
        private int blockSize = 4096;
        private int threads = 1;
        private long regionSize;
        private Duration duration = Duration.ZERO;
        private long ops;
        private Integer readPercent;
        private double zipfTheta;
        private long flushEvery;
        private boolean verify;
        private Path trace;
        private TraceFormat traceFormat = TraceFormat.AUTO;
        private long seed = 1;

        private Builder(WorkloadPattern pattern) {
            this.pattern = Objects.requireNonNull(pattern, "pattern");
        }

        /** Bytes per I/O. */
        public Builder blockSize(int value) {
            blockSize = value;
            return this;
        }

        /** Threads issuing I/O (the queue depth). */
        public Builder threads(int value) {
            threads = value;
            return this;
        }

        /** Bytes covered from offset 0; 0 = the whole disk. */
        public Builder regionSize(long value) {
            regionSize = value;
            return this;
        }

        /** Time limit; zero = none. */
        public Builder duration(Duration value) {
            duration = value;
            return this;
        }

        /** I/O count limit; 0 = none. */
        public Builder ops(long value) {
            ops = value;
            return this;
        }

        /** Share of reads in percent. */
        public Builder readPercent(int value) {
            readPercent = value;
            return this;
        }

        /** Zipf exponent; 0 = uniform. */
        public Builder zipfTheta(double value) {
            zipfTheta = value;
            return this;
        }

        /** Flush after every this many writes per thread; 0 = never. */
        public Builder flushEvery(long value) {
            flushEvery = value;
            return this;
        }

        /** Write verifiable blocks and check reads. */
        public Builder verify(boolean value) {
            verify = value;
            return this;
        }

        /** The trace file to replay. */
        public Builder trace(Path value) {
            trace = value;
            return this;
        }

        /** The trace's record encoding; {@link TraceFormat#AUTO} by default. */
        public Builder traceFormat(TraceFormat value) {
            traceFormat = value;
            return this;
        }

        /** Seed of the random draws. */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /**
         * Builds the spec.
         *
         * @throws IllegalArgumentException naming the option that is wrong
         */
        public WorkloadSpec build() {
            int reads = readPercent != null ? readPercent : pattern == WorkloadPattern.TRACE ? 100 : 50;
            return new WorkloadSpec(pattern, blockSize, threads, regionSize, duration, ops, reads, zipfTheta,
                    flushEvery, verify, Optional.ofNullable(trace), traceFormat, seed);
        }
    }
}
