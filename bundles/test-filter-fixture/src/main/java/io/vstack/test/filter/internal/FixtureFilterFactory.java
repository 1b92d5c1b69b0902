package io.vstack.test.filter.internal;

import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricSource;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.service.component.annotations.Component;

/**
 * The test fixture filter {@code fixture}: passes every request on unchanged and counts them
 * (published as metric source {@code filter/fixture}). It needs nothing but the core API, as a
 * third-party filter bundle would.
 */
@Component(service = {IoFilterFactory.class, MetricSource.class},
        property = MetricSource.SOURCE_PROPERTY + "=filter/fixture")
public final class FixtureFilterFactory implements IoFilterFactory, MetricSource {

    private static final FilterDescriptor DESCRIPTOR = new FilterDescriptor("fixture", FilterClass.INSPECTION, 0,
            "test fixture: passes requests on and counts them");

    private final LongAdder requests = new LongAdder();

    @Override
    public FilterDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public IoFilter create(FilterContext context) {
        return (request, next) -> {
            requests.increment();
            next.proceed(request);
        };
    }

    @Override
    public String source() {
        return "filter/fixture";
    }

    @Override
    public List<Metric> snapshot() {
        return List.of(Metric.counter("requests", "ops", requests.sum(), java.util.Map.of("filter", "fixture")));
    }
}
