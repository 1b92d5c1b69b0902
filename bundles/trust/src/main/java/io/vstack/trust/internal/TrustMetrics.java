package io.vstack.trust.internal;

import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricSource;
import io.vstack.api.trust.TaintReason;
import io.vstack.api.trust.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metric source {@code trust}: installed bundles per verdict (label {@code verdict}:
 * {@code trusted} or the taint reason, as {@code trust:list --all} shows them), audit entries per
 * type (label {@code type}), the refusals among them, and whether the store is tampered.
 */
final class TrustMetrics implements MetricSource {

    static final String SOURCE = "trust";

    private final TrustAccess trust;

    TrustMetrics(TrustAccess trust) {
        this.trust = trust;
    }

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public List<Metric> snapshot() {
        Map<String, Long> verdicts = new TreeMap<>();
        verdicts.put("trusted", 0L);
        for (TaintReason reason : TaintReason.values()) {
            verdicts.put(reason.name().toLowerCase(Locale.ROOT), 0L);
        }
        for (TrustAccess.Row row : trust.bundles()) {
            String verdict = row.verdict() instanceof Verdict.Tainted tainted
                    ? tainted.reason().name().toLowerCase(Locale.ROOT) : "trusted";
            verdicts.merge(verdict, 1L, Long::sum);
        }
        Map<String, Long> audit = new TreeMap<>();
        for (TrustAccess.AuditRow row : trust.audit()) {
            audit.merge(row.type().toLowerCase(Locale.ROOT), 1L, Long::sum);
        }
        List<Metric> m = new ArrayList<>();
        verdicts.forEach((verdict, n) -> m.add(Metric.gauge("bundles", "bundles", n, Map.of("verdict", verdict))));
        audit.forEach((type, n) -> m.add(Metric.counter("audit.entries", "entries", n, Map.of("type", type))));
        m.add(Metric.counter("refusals", "bundles", audit.getOrDefault(FileTrustStore.REFUSE.toLowerCase(Locale.ROOT), 0L), Map.of()));
        m.add(Metric.gauge("store.tampered", "bool", trust.tampered().isPresent() ? 1 : 0, Map.of()));
        m.add(Metric.gauge("enforcing", "bool", trust.mode().equals("enforce") ? 1 : 0, Map.of()));
        return m;
    }
}
