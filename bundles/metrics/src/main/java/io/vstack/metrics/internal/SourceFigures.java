package io.vstack.metrics.internal;

import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One source's figures as read at one moment, each metric carrying its source's labels too.
 *
 * @param source  the source's name ({@code disk/db1}, {@code cache}...)
 * @param labels  the source's own labels
 * @param metrics its metrics, with the source's labels merged in
 */
public record SourceFigures(String source, Map<String, String> labels, List<Metric> metrics) {

    public SourceFigures {
        labels = Map.copyOf(labels);
        metrics = List.copyOf(metrics);
    }

    /**
     * Reads {@code source} now, under the name {@code name}.
     *
     * @throws RuntimeException what the source threw (a bundle stopping under the reader can throw anything)
     */
    public static SourceFigures read(String name, MetricSource source) {
        Map<String, String> labels = source.labels();
        List<Metric> snapshot = source.snapshot();
        List<Metric> labelled = new ArrayList<>(snapshot.size());
        for (Metric m : snapshot) {
            labelled.add(m.withLabels(labels));
        }
        return new SourceFigures(name, labels, labelled);
    }

    /** The source's kind: its name up to the first {@code /} ({@code disk} for {@code disk/db1/stats}). */
    public String kind() {
        int slash = source.indexOf('/');
        return slash < 0 ? source : source.substring(0, slash);
    }
}
