package io.vstack.filters.basic.internal.stats;

import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.filters.basic.internal.FilterConfigs;
import io.vstack.filters.basic.internal.MetricPublisher;
import io.vstack.filters.basic.internal.ServiceMetricPublisher;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code stats} filter: class INSPECTION, rank {@value #RANK}, the highest of this bundle's
 * filters, so it runs nearest the caller and its latencies include the throttle's waits (what
 * the VM sees). For each disk it is attached to it registers a {@link io.vstack.api.metrics.MetricSource}
 * ({@code disk/<id>/stats}, with {@code vstack.disk.id} and {@code vstack.filter.name}) and
 * unregisters it when the filter is detached. Takes no configuration.
 */
@Component(service = {IoFilterFactory.class, StatsBoard.class})
public final class StatsFilterFactory implements IoFilterFactory, StatsBoard {

    /** The filter's name. */
    public static final String NAME = "stats";
    /** Its rank within INSPECTION: above throttle (200) and checksum (100). */
    public static final int RANK = 300;

    private static final Logger LOG = LoggerFactory.getLogger(StatsFilterFactory.class);
    private static final FilterDescriptor DESCRIPTOR = new FilterDescriptor(NAME, FilterClass.INSPECTION, RANK,
            "IOPS, MiB/s and latency p50/p99/p999 per op type (filter:stats, metrics disk/<id>/stats)");

    private final MetricPublisher publisher;
    private final LongSupplier clock;
    private final Map<String, Attached> attached = new ConcurrentHashMap<>();

    private record Attached(StatsFilter filter, Runnable unpublish) {
    }

    /** The OSGi component: publishes metric sources in the bundle's context and measures with {@link System#nanoTime()}. */
    @Activate
    public StatsFilterFactory(BundleContext context) {
        this(new ServiceMetricPublisher(context), System::nanoTime);
    }

    /** A factory with the given publisher and nanosecond clock (tests). */
    public StatsFilterFactory(MetricPublisher publisher, LongSupplier clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    @Override
    public FilterDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public IoFilter create(FilterContext context) {
        FilterConfigs.requireKnownKeys(NAME, context.config(), Set.of());
        String diskId = context.diskId();
        StatsFilter[] self = new StatsFilter[1];
        StatsFilter filter = new StatsFilter(diskId, clock, () -> detached(diskId, self[0]));
        self[0] = filter;
        Runnable unpublish = publisher.publish(filter, Map.of("vstack.disk.id", diskId, "vstack.filter.name", NAME));
        Attached previous = attached.put(diskId, new Attached(filter, unpublish));
        if (previous != null) {
            previous.unpublish().run();
        }
        LOG.debug("stats filter attached to disk {}", diskId);
        return filter;
    }

    private void detached(String diskId, StatsFilter filter) {
        Attached entry = attached.get(diskId);
        if (entry != null && entry.filter() == filter && attached.remove(diskId, entry)) {
            entry.unpublish().run();
        }
        LOG.debug("stats filter detached from disk {}", diskId);
    }

    @Override
    public List<StatsFilter> attached() {
        return attached.values().stream().map(Attached::filter).sorted(Comparator.comparing(StatsFilter::diskId)).toList();
    }

    @Deactivate
    void deactivate() {
        attached.values().forEach(entry -> entry.unpublish().run());
        attached.clear();
    }
}
