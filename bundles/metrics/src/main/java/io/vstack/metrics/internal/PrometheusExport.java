package io.vstack.metrics.internal;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import io.vstack.api.metrics.Distribution;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricType;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Figures in the Prometheus text format (version 0.0.4), written by the Prometheus project's own
 * writer from its data model. A metric becomes the family {@code vstack_<kind>_<name>} (the source's
 * kind, the name's dots as underscores, the unit as a suffix where Prometheus has one: {@code ns} is
 * converted to {@code _seconds}); its labels are the metric's and its source's.
 * <p>Two series with the same family and labels (two sources publishing one figure) keep the
 * first; a family whose type or unit differs from the first one's of that name is left out; both
 * are counted in {@code vstack_metrics_dropped_series}.
 */
public final class PrometheusExport {

    /** The content type of the text format. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final PrometheusTextFormatWriter WRITER = new PrometheusTextFormatWriter(false);

    private PrometheusExport() {
    }

    /** Writes {@code figures} (and the reading's own figures) to {@code out}. */
    public static void write(List<SourceFigures> figures, long sourceFailures, OutputStream out) throws IOException {
        WRITER.write(out, snapshots(figures, sourceFailures));
    }

    /** The Prometheus model of {@code figures}. */
    static MetricSnapshots snapshots(List<SourceFigures> figures, long sourceFailures) {
        Map<String, Family> families = new LinkedHashMap<>();
        long dropped = 0;
        for (SourceFigures source : figures) {
            for (Metric m : source.metrics()) {
                if (!add(families, source.kind(), m)) {
                    dropped++;
                }
            }
        }
        List<MetricSnapshot> snapshots = new ArrayList<>(families.size() + 3);
        families.values().forEach(f -> snapshots.add(f.snapshot()));
        snapshots.add(gauge("vstack_metrics_sources", "Metric sources read in this scrape", figures.size()));
        snapshots.add(gauge("vstack_metrics_dropped_series", "Series left out of this scrape: same name and labels "
                + "as an earlier one, or a type or unit that differs from the family's", dropped));
        snapshots.add(CounterSnapshot.builder().name("vstack_metrics_source_failures")
                .help("Source readings left out because the source threw (a bundle stopping), since the metrics bundle started")
                .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(sourceFailures).build()).build());
        return new MetricSnapshots(snapshots);
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    /** Adds one metric to its family; false if it was dropped. */
    private static boolean add(Map<String, Family> families, String kind, Metric m) {
        Naming naming = Naming.of(kind, m);
        Family family = families.computeIfAbsent(naming.name(), n -> new Family(naming, m.type(), m.unit()));
        if (family.type != m.type() || !family.unit.equals(m.unit())) {
            return false;
        }
        Labels labels = labels(m.labels());
        if (!family.seen.add(labels)) {
            return false;
        }
        double scale = naming.scale();
        switch (m.type()) {
            case COUNTER -> family.counters.add(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .value(Math.max(0, m.value() * scale)).labels(labels).build());
            case GAUGE -> family.gauges.add(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .value(m.value() * scale).labels(labels).build());
            case HISTOGRAM -> family.histograms.add(histogram(m.distribution(), scale, labels));
            case SUMMARY -> family.summaries.add(summary(m.distribution(), scale, labels));
            default -> throw new IllegalStateException(m.type().toString());
        }
        return true;
    }

    private static HistogramSnapshot.HistogramDataPointSnapshot histogram(Distribution d, double scale, Labels labels) {
        List<Double> bounds = new ArrayList<>(d.buckets().size() + 1);
        List<Long> counts = new ArrayList<>(d.buckets().size() + 1);
        long previous = 0;
        for (Distribution.Bucket b : d.buckets()) {
            bounds.add(b.upperBound() == Double.POSITIVE_INFINITY ? b.upperBound() : b.upperBound() * scale);
            counts.add(b.count() - previous);   // the model takes each bucket's own count
            previous = b.count();
        }
        if (bounds.isEmpty()) {
            bounds.add(Double.POSITIVE_INFINITY);
            counts.add(d.count());
        }
        return HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                .sum(d.sum() * scale).labels(labels).build();
    }

    private static SummarySnapshot.SummaryDataPointSnapshot summary(Distribution d, double scale, Labels labels) {
        List<Quantile> quantiles = new ArrayList<>(d.quantiles().size());
        d.quantiles().forEach(q -> quantiles.add(new Quantile(q.quantile(), q.value() * scale)));
        return SummarySnapshot.SummaryDataPointSnapshot.builder().quantiles(Quantiles.of(quantiles))
                .count(d.count()).sum(d.sum() * scale).labels(labels).build();
    }

    private static Labels labels(Map<String, String> labels) {
        Labels.Builder builder = Labels.builder();
        labels.forEach(builder::label);
        return builder.build();
    }

    /** A metric's Prometheus name, unit, and the factor its values are multiplied by. */
    record Naming(String name, Unit unit, String help, double scale) {

        static Naming of(String kind, Metric m) {
            String base = PrometheusNaming.sanitizeMetricName("vstack_" + kind + "_" + m.name().replace('.', '_')
                    .replace('-', '_').replace('/', '_'));
            String help = kind + " " + m.name() + " (" + m.unit() + ")";
            return switch (m.unit()) {
                case "ns" -> new Naming(suffixed(base, "seconds"), Unit.SECONDS, help, 1e-9);
                case "seconds", "s" -> new Naming(suffixed(base, "seconds"), Unit.SECONDS, help, 1);
                case "bytes" -> new Naming(suffixed(base, "bytes"), Unit.BYTES, help, 1);
                case "ratio" -> new Naming(suffixed(base, "ratio"), Unit.RATIO, help, 1);
                default -> new Naming(strippedTotal(base), null, help, 1);
            };
        }

        /** {@code base} ending in {@code _unit} (not twice), never in {@code _total} (the writer adds it to counters). */
        private static String suffixed(String base, String unit) {
            String name = strippedTotal(base);
            return name.endsWith("_" + unit) ? name : name + "_" + unit;
        }

        private static String strippedTotal(String name) {
            return name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
        }
    }

    /** One family's data points as they are gathered. */
    private static final class Family {
        final Naming naming;
        final MetricType type;
        final String unit;
        final Set<Labels> seen = new HashSet<>();
        final List<CounterSnapshot.CounterDataPointSnapshot> counters = new ArrayList<>();
        final List<GaugeSnapshot.GaugeDataPointSnapshot> gauges = new ArrayList<>();
        final List<HistogramSnapshot.HistogramDataPointSnapshot> histograms = new ArrayList<>();
        final List<SummarySnapshot.SummaryDataPointSnapshot> summaries = new ArrayList<>();

        Family(Naming naming, MetricType type, String unit) {
            this.naming = naming;
            this.type = type;
            this.unit = unit;
        }

        MetricSnapshot snapshot() {
            MetricMetadata metadata = new MetricMetadata(naming.name(), naming.help(), naming.unit());
            return switch (type) {
                case COUNTER -> new CounterSnapshot(metadata, counters);
                case GAUGE -> new GaugeSnapshot(metadata, gauges);
                case HISTOGRAM -> new HistogramSnapshot(metadata, histograms);
                case SUMMARY -> new SummarySnapshot(metadata, summaries);
            };
        }
    }
}
