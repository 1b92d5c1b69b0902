package io.vstack.filters.basic.internal.stats;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The counters and latency histogram of one operation type on one disk. Recording is lock-free
 * and allocation-free ({@link LongAdder}s and an HdrHistogram {@link Recorder} of fixed range);
 * reading folds the recorder's interval histogram into a cumulative one under this object's lock.
 */
final class OpStats {

    /** Highest latency tracked: one minute; slower I/Os are recorded as one minute. */
    static final long HIGHEST_NANOS = 60_000_000_000L;

    private final LongAdder ops = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Recorder recorder = new Recorder(1, HIGHEST_NANOS, 3);
    private final Histogram cumulative = new Histogram(1, HIGHEST_NANOS, 3);
    private Histogram interval;

    void completed(long length, long nanos) {
        ops.increment();
        bytes.add(length);
        recorder.recordValue(clamp(nanos));
    }

    void failed(long nanos) {
        errors.increment();
        recorder.recordValue(clamp(nanos));
    }

    private static long clamp(long nanos) {
        return nanos < 1 ? 1 : Math.min(nanos, HIGHEST_NANOS);
    }

    long ops() {
        return ops.sum();
    }

    long bytes() {
        return bytes.sum();
    }

    long errors() {
        return errors.sum();
    }

    /** The latency histogram since attach, brought up to date; the caller must not keep it past its lock. */
    synchronized Latency latency() {
        interval = recorder.getIntervalHistogram(interval);
        cumulative.add(interval);
        if (cumulative.getTotalCount() == 0) {
            return Latency.NONE;
        }
        return new Latency(cumulative.getTotalCount(), cumulative.getMean(), cumulative.getValueAtPercentile(50),
                cumulative.getValueAtPercentile(99), cumulative.getValueAtPercentile(99.9), cumulative.getMaxValue());
    }
}
