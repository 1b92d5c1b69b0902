package io.vstack.filters.basic.internal.stats;

import io.vstack.api.filter.IoFilter;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import io.vstack.api.metrics.Distribution;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricLabels;
import io.vstack.api.metrics.MetricSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    @Override
    public Map<String, String> labels() {
        return Map.of(MetricLabels.DISK, diskId, MetricLabels.FILTER, "stats");
    }

    /**
     * Per operation type (label {@code op}): {@code stats.ops}, {@code stats.bytes},
     * {@code stats.errors} (counters), {@code stats.iops} (recent), {@code stats.iops.avg},
     * {@code stats.mibps} (recent), {@code stats.latency} (a summary in ns: p50, p99, p999, count,
     * sum, since attach), {@code stats.latency.max} (ns); then {@code stats.uptime} and
     * {@code stats.interval} (s).
     */
    @Override
    public List<Metric> snapshot() {
        DiskStats figures = figures();
        List<Metric> metrics = new ArrayList<>();
        for (DiskStats.Op op : figures.ops()) {
            Map<String, String> l = Map.of(MetricLabels.OP, op.op());
            metrics.add(Metric.counter("stats.ops", "ops", op.count(), l));
            metrics.add(Metric.counter("stats.bytes", "bytes", op.bytes(), l));
            metrics.add(Metric.counter("stats.errors", "ops", op.errors(), l));
            metrics.add(Metric.gauge("stats.iops", "ops/s", op.iops(), l));
            metrics.add(Metric.gauge("stats.iops.avg", "ops/s", op.averageIops(), l));
            metrics.add(Metric.gauge("stats.mibps", "MiB/s", op.mibPerSec(), l));
            long count = op.latency().count();
            metrics.add(Metric.summary("stats.latency", "ns", Distribution.summary(List.of(
                    new Distribution.Quantile(0.5, op.latency().p50()), new Distribution.Quantile(0.99, op.latency().p99()),
                    new Distribution.Quantile(0.999, op.latency().p999())), count, op.latency().mean() * count), l));
            metrics.add(Metric.gauge("stats.latency.max", "ns", op.latency().max(), l));
        }
        metrics.add(Metric.gauge("stats.uptime", "s", figures.sinceAttach(), Map.of()));
        metrics.add(Metric.gauge("stats.interval", "s", figures.intervalSeconds(), Map.of()));
        return metrics;
    }

    @Override
    public void close() {
        onClose.run();
    }
}
