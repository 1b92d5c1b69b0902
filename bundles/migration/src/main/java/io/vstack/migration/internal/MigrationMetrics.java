package io.vstack.migration.internal;

import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricLabels;
import io.vstack.api.metrics.MetricSource;
import io.vstack.api.migration.MigrationPhase;
import io.vstack.api.migration.MigrationReport;
import io.vstack.api.migration.MigrationStatus;
import io.vstack.api.migration.MigrationService;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The figures of the migrations in the history, as the metric source {@code migration}: counts by
 * outcome, the last completed run's figures (total time, downtime until the destination runs,
 * QEMU's source-side downtime, guest tick gap, wire bytes, stream rate) and the downtime p50/p99/max
 * over the completed runs in the history. Read from the finished reports on the reader's thread:
 * the migration path does no extra work for it.
 */
@Component(service = MetricSource.class, property = MetricSource.SOURCE_PROPERTY + "=" + MigrationMetrics.SOURCE)
public final class MigrationMetrics implements MetricSource {

    static final String SOURCE = "migration";

    private final MigrationService migrations;

    /** Reads the history of {@code migrations}. */
    @Activate
    public MigrationMetrics(@Reference MigrationService migrations) {
        this.migrations = migrations;
    }

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public List<Metric> snapshot() {
        List<MigrationReport> history = migrations.history();
        List<Metric> m = new ArrayList<>();
        long completed = history.stream().filter(r -> r.status().phase() == MigrationPhase.COMPLETED).count();
        m.add(new Metric("runs.active", "migrations", migrations.active().size()));
        m.add(new Metric("runs.completed", "migrations", completed));
        m.add(new Metric("runs.failed", "migrations", history.stream().filter(r -> r.status().phase() == MigrationPhase.FAILED).count()));
        m.add(new Metric("runs.cancelled", "migrations",
                history.stream().filter(r -> r.status().phase() == MigrationPhase.CANCELLED).count()));
        MigrationReport last = null;
        for (MigrationReport r : history) {
            if (r.status().phase() == MigrationPhase.COMPLETED) {
                last = r;
            }
        }
        if (last != null) {
            m.add(new Metric("last.total", "ns", last.totalNanos()));
            m.add(new Metric("last.downtime", "ns", last.downtimeNanos()));
            m.add(new Metric("last.downtime.source", "ns", last.sourceDowntimeNanos()));
            m.add(new Metric("last.guest.tick.gap", "ns", last.guestTickGapNanos()));
            m.add(new Metric("last.wire.bytes", "bytes", last.wireBytes()));
            m.add(new Metric("last.pages.raw", "pages", last.pagesRaw()));
            m.add(new Metric("last.pages.zero", "pages", last.pagesZero()));
            m.add(new Metric("last.stream", "bit/s", last.totalNanos() > 0 ? last.wireBytes() * 8e9 / last.totalNanos() : 0));
            m.add(new Metric("last.digest.verified", "bool", last.digestVerified() ? 1 : 0));
        }
        long[] downtimes = history.stream().filter(r -> r.status().phase() == MigrationPhase.COMPLETED && r.downtimeNanos() >= 0)
                .mapToLong(MigrationReport::downtimeNanos).sorted().toArray();
        if (downtimes.length > 0) {
            m.add(new Metric("downtime.p50", "ns", percentile(downtimes, 50)));
            m.add(new Metric("downtime.p99", "ns", percentile(downtimes, 99)));
            m.add(new Metric("downtime.max", "ns", downtimes[downtimes.length - 1]));
        }
        for (MigrationReport r : history) {
            MigrationStatus run = r.status();
            Map<String, String> l = Map.of(MetricLabels.VM, run.vmId(), "migration", run.id(),
                    "mode", run.mode().name().toLowerCase(Locale.ROOT), "phase", run.phase().name().toLowerCase(Locale.ROOT));
            m.add(Metric.gauge("history.total", "ns", r.totalNanos(), l));
            m.add(Metric.gauge("history.downtime", "ns", r.downtimeNanos(), l));
            m.add(Metric.gauge("history.wire", "bytes", r.wireBytes(), l));
            m.add(Metric.gauge("history.iterations", "iterations", run.iteration(), l));
        }
        for (MigrationStatus run : migrations.active()) {
            Map<String, String> l = Map.of(MetricLabels.VM, run.vmId(), "migration", run.id(), "source", run.sourceHost(),
                    "destination", run.destinationHost(), "mode", run.mode().name().toLowerCase(Locale.ROOT),
                    "phase", run.phase().name().toLowerCase(Locale.ROOT));
            m.add(Metric.gauge("run.iteration", "iterations", run.iteration(), l));
            m.add(Metric.gauge("run.pending", "bytes", run.pendingBytes(), l));
            m.add(Metric.gauge("run.bandwidth", "bytes/s", run.bandwidthBytesPerSecond(), l));
            m.add(Metric.gauge("run.expected.downtime", "ns", run.expectedDowntimeNanos(), l));
            m.add(Metric.gauge("run.transferred", "bytes", run.transferredBytes(), l));
            m.add(Metric.gauge("run.elapsed", "ns", run.elapsedNanos(), l));
            m.add(Metric.gauge("run.throttle", "percent", run.throttlePercent(), l));
            m.add(Metric.gauge("run.postcopy.faults", "faults", run.postcopy().faults(), l));
            m.add(Metric.gauge("run.postcopy.pages.requested", "pages", run.postcopy().pagesRequested(), l));
        }
        return m;
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
