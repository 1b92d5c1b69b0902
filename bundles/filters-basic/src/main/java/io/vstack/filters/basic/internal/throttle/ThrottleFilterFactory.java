package io.vstack.filters.basic.internal.throttle;

import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code throttle} filter: class INSPECTION, rank {@value #RANK} (below stats, so stats
 * measures the waits as the caller sees them; above checksum, so a held request has not been
 * checksummed yet). Config {@code iops}, {@code bandwidth}, {@code burst}; see {@link ThrottleConfig}.
 */
@Component(service = IoFilterFactory.class)
public final class ThrottleFilterFactory implements IoFilterFactory {

    /** The filter's name. */
    public static final String NAME = "throttle";
    /** Its rank within INSPECTION. */
    public static final int RANK = 200;

    private static final Logger LOG = LoggerFactory.getLogger(ThrottleFilterFactory.class);
    private static final FilterDescriptor DESCRIPTOR = new FilterDescriptor(NAME, FilterClass.INSPECTION, RANK,
            "BLOCKING: limits reads and writes to iops=<n> and/or bandwidth=<bytes/s> (token buckets, burst=10ms)");

    private final Pacer pacer;

    /** The OSGi component, on the real clock. */
    public ThrottleFilterFactory() {
        this(Pacer.SYSTEM);
    }

    /** A factory whose filters wait on {@code pacer} (tests). */
    public ThrottleFilterFactory(Pacer pacer) {
        this.pacer = pacer;
    }

    @Override
    public FilterDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public IoFilter create(FilterContext context) {
        ThrottleConfig config = ThrottleConfig.parse(context.config());
        LOG.debug("throttle attached to disk {}: {}", context.diskId(), config);
        return new ThrottleFilter(context.diskId(), config, pacer);
    }
}
