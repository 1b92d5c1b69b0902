package io.vstack.vm.internal;

import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricLabels;
import io.vstack.api.metrics.MetricSource;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmService;
import io.vstack.api.vm.VmState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The metric source {@code vm}: per VM (labels {@code vm}, {@code host}) its state (one gauge per
 * state, 1 for the one it is in), guest writes, configured dirty rate, throttle, last stun and the
 * last gap in its heartbeat.
 */
@Component(service = MetricSource.class, property = MetricSource.SOURCE_PROPERTY + "=" + VmMetrics.SOURCE)
public final class VmMetrics implements MetricSource {

    static final String SOURCE = "vm";

    private final VmService vms;

    @Activate
    public VmMetrics(@Reference VmService vms) {
        this.vms = vms;
    }

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public List<Metric> snapshot() {
        List<Metric> m = new ArrayList<>();
        for (VmInfo vm : vms.vms()) {
            Map<String, String> l = Map.of(MetricLabels.VM, vm.id(), MetricLabels.HOST, vm.host());
            for (VmState s : VmState.values()) {
                m.add(Metric.gauge("state", "bool", vm.state() == s ? 1 : 0,
                        Map.of(MetricLabels.VM, vm.id(), MetricLabels.HOST, vm.host(), "state", s.name().toLowerCase(Locale.ROOT))));
            }
            m.add(Metric.gauge("memory", "bytes", vm.spec().memory(), l));
            m.add(Metric.counter("guest.writes", "ops", vm.guestWrites(), l));
            m.add(Metric.gauge("dirty.rate.configured", "bytes/s", vm.spec().workload().dirtyRateBytesPerSecond(), l));
            m.add(Metric.gauge("throttle", "percent", vm.throttlePercent(), l));
            m.add(Metric.gauge("stun.last", "ns", vm.lastStunNanos(), l));
            m.add(Metric.gauge("tick.gap.last", "ns", vm.lastTickGapNanos(), l));
        }
        return m;
    }
}
