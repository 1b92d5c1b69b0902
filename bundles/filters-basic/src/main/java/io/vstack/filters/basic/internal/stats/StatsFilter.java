package io.vstack.filters.basic.internal.stats;

import io.vstack.api.filter.IoFilter;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Measures one disk's I/O: per operation type, completed operations, bytes, errors, and the
 * latency of {@code next.proceed(...)} (everything below this filter) with the injected
 * nanosecond clock. The hot path takes no lock and allocates nothing.
 * <p><b>Rates.</b> Average rates cover the time since attach. Recent rates cover the interval
 * from the start of the current window to now; a read that finds the window at least one
 * second old starts a new one. Polled every second, the recent rates cover the last 1-2 s;
 * polled rarely, they cover the time since the previous poll. The first poll covers the time
 * since attach.
 */
public final class StatsFilter implements IoFilter, MetricSource {

    private static final IoOp[] OPS = IoOp.values();
    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final String diskId;
    private final LongSupplier clock;
    private final long attachedAt;
    private final OpStats[] stats = new OpStats[OPS.length];
    private final Runnable onClose;
    private long windowStart;
    private final long[] windowOps = new long[OPS.length];
    private final long[] windowBytes = new long[OPS.length];

    /**
     * @param clock   nanosecond clock ({@code System::nanoTime} outside tests)
     * @param onClose run once when the filter is detached
     */
    public StatsFilter(String diskId, LongSupplier clock, Runnable onClose) {
        this.diskId = diskId;
        this.clock = clock;
        this.onClose = onClose;
        this.attachedAt = clock.getAsLong();
        this.windowStart = attachedAt;
        for (int i = 0; i < stats.length; i++) {
            stats[i] = new OpStats();
        }
    }

    /** The disk this filter measures. */
    public String diskId() {
        return diskId;
    }

    @Override
    public void submit(IoRequest request, IoChain next) throws IoException {
        OpStats op = stats[request.op().ordinal()];
        long length = request.length();
        long start = clock.getAsLong();
        try {
            next.proceed(request);
        } catch (IoException | RuntimeException | Error e) {
            op.failed(clock.getAsLong() - start);
            throw e;
        }
        op.completed(length, clock.getAsLong() - start);
    }

    /** The figures now; advances the recent-rate window if it is at least one second old. */
    public synchronized DiskStats figures() {
        long now = clock.getAsLong();
        double sinceAttach = Math.max(0, now - attachedAt) / 1e9;
        double interval = Math.max(0, now - windowStart) / 1e9;
        boolean advance = now - windowStart >= WINDOW_NANOS;
        List<DiskStats.Op> ops = new ArrayList<>(OPS.length);
        for (int i = 0; i < OPS.length; i++) {
            OpStats op = stats[i];
            long count = op.ops();
            long bytes = op.bytes();
            ops.add(new DiskStats.Op(OPS[i].name().toLowerCase(Locale.ROOT), count, bytes, op.errors(),
                    rate(count - windowOps[i], interval), rate(count, sinceAttach),
                    rate(bytes - windowBytes[i], interval) / (1 << 20), op.latency()));
            if (advance) {
                windowOps[i] = count;
                windowBytes[i] = bytes;
            }
        }
        if (advance) {
            windowStart = now;
        }
        return new DiskStats(diskId, sinceAttach, interval, ops);
    }

    private static double rate(long count, double seconds) {
        return seconds <= 0 ? 0 : count / seconds;
    }

    @Override
    public String source() {
        return "disk/" + diskId + "/stats";
    }

    /**
     * Per operation type {@code <op>.ops}, {@code .bytes}, {@code .errors}, {@code .iops}
     * (recent), {@code .iops.avg}, {@code .mibps} (recent), {@code .latency.mean},
     * {@code .latency.p50}, {@code .latency.p99}, {@code .latency.p999}, {@code .latency.max}
     * (ns, since attach); then {@code uptime} and {@code interval} (s).
     */
    @Override
    public List<Metric> snapshot() {
        DiskStats figures = figures();
        List<Metric> metrics = new ArrayList<>();
        for (DiskStats.Op op : figures.ops()) {
            String p = op.op() + ".";
            metrics.add(new Metric(p + "ops", "ops", op.count()));
            metrics.add(new Metric(p + "bytes", "bytes", op.bytes()));
            metrics.add(new Metric(p + "errors", "ops", op.errors()));
            metrics.add(new Metric(p + "iops", "ops/s", op.iops()));
            metrics.add(new Metric(p + "iops.avg", "ops/s", op.averageIops()));
            metrics.add(new Metric(p + "mibps", "MiB/s", op.mibPerSec()));
            metrics.add(new Metric(p + "latency.mean", "ns", op.latency().mean()));
            metrics.add(new Metric(p + "latency.p50", "ns", op.latency().p50()));
            metrics.add(new Metric(p + "latency.p99", "ns", op.latency().p99()));
            metrics.add(new Metric(p + "latency.p999", "ns", op.latency().p999()));
            metrics.add(new Metric(p + "latency.max", "ns", op.latency().max()));
        }
        metrics.add(new Metric("uptime", "s", figures.sinceAttach()));
        metrics.add(new Metric("interval", "s", figures.intervalSeconds()));
        return metrics;
    }

    @Override
    public void close() {
        onClose.run();
    }
}
