package io.vstack.filters.basic.internal.checksum;

import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.filters.basic.internal.FilterConfigs;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code checksum} filter: class INSPECTION, rank {@value #RANK}, the lowest of this
 * bundle's, so it runs nearest the storage within INSPECTION and checksums the caller's data
 * as it leaves the inspection stage. Keeps {@code crc32c.v1} in the filter's state directory.
 * Takes no configuration.
 */
@Component(service = IoFilterFactory.class)
public final class ChecksumFilterFactory implements IoFilterFactory {

    /** The filter's name. */
    public static final String NAME = "checksum";
    /** Its rank within INSPECTION. */
    public static final int RANK = 100;

    private static final FilterDescriptor DESCRIPTOR = new FilterDescriptor(NAME, FilterClass.INSPECTION, RANK,
            "per-block CRC32C in a side file, verified on every read");

    @Override
    public FilterDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public IoFilter create(FilterContext context) {
        FilterConfigs.requireKnownKeys(NAME, context.config(), Set.of());
        return ChecksumFilter.open(context.diskId(), context.capacity(), context.blockSize(), context.stateDirectory());
    }
}
