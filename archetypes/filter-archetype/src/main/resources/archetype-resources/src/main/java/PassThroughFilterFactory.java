package ${package};

import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.io.IoOp;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.service.component.annotations.Component;

/**
 * The filter {@code ${filterName}}: passes every request on unchanged and counts the requests of
 * the operations its configuration names, over every disk it is attached to (metric source
 * {@code filter/${filterName}}, one figure per operation). A starting point: put your filter's
 * work in {@link PassThroughFilter#submit}.
 * <p>Registered as a service (Declarative Services): each host's filter framework finds it and
 * calls {@link #create} for each disk the filter is attached to ({@code filter:attach <disk>
 * ${filterName} [ops=read,write]}).
 */
@Component(service = {IoFilterFactory.class, MetricSource.class},
        property = MetricSource.SOURCE_PROPERTY + "=" + PassThroughFilterFactory.SOURCE)
public final class PassThroughFilterFactory implements IoFilterFactory, MetricSource {

    /** The name users attach the filter by. */
    public static final String NAME = "${filterName}";
    /** The metric source the counts are published as. */
    public static final String SOURCE = "filter/" + NAME;

    private static final FilterDescriptor DESCRIPTOR = new FilterDescriptor(NAME, FilterClass.INSPECTION, 0,
            "passes requests on and counts them (ops=read,write,flush,trim)");

    /** Requests counted, by operation ordinal. */
    private final LongAdder[] counts = new LongAdder[IoOp.values().length];

    /** Creates the factory with every count at zero. */
    public PassThroughFilterFactory() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    @Override
    public FilterDescriptor descriptor() {
        return DESCRIPTOR;
    }

    /**
     * Creates the filter for one disk.
     *
     * @throws IllegalArgumentException naming the key, if the configuration is not valid
     */
    @Override
    public IoFilter create(FilterContext context) {
        return new PassThroughFilter(PassThroughConfig.parse(context.config()), counts);
    }

    @Override
    public String source() {
        return SOURCE;
    }

    /** The requests counted so far, one figure per operation ({@code read}, {@code write}…). */
    @Override
    public List<Metric> snapshot() {
        List<Metric> metrics = new ArrayList<>();
        for (IoOp op : IoOp.values()) {
            metrics.add(new Metric(op.name().toLowerCase(Locale.ROOT), "ops", counts[op.ordinal()].sum()));
        }
        return metrics;
    }
}
