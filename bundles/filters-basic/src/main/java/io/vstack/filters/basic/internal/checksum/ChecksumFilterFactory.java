package io.vstack.filters.basic.internal.checksum;

import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.filters.basic.internal.FilterConfigs;
import java.io.UncheckedIOException;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code checksum} filter: class INSPECTION, rank {@value #RANK}, the lowest of this
 * bundle's, so it runs nearest the storage within INSPECTION and checksums the caller's data
 * as it leaves the inspection stage. Keeps {@code crc32c.v2} in the filter's state directory
 * (converting a {@code crc32c.v1} found there). One key: {@value #REPAIR} ({@code true} or
 * {@code false}, the default): rebuild the checksums a damaged state file lost from the
 * disk's data, each at its block's next read.
 */
@Component(service = IoFilterFactory.class)
public final class ChecksumFilterFactory implements IoFilterFactory {

    /** The filter's name. */
    public static final String NAME = "checksum";
    /** Its rank within INSPECTION. */
    public static final int RANK = 100;
    /** The configuration key that repairs a damaged state file. */
    public static final String REPAIR = "repair";

    private static final FilterDescriptor DESCRIPTOR = new FilterDescriptor(NAME, FilterClass.INSPECTION, RANK,
            "per-block CRC32C in a state file, verified on every read");

    @Override
    public FilterDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public IoFilter create(FilterContext context) {
        FilterConfigs.requireKnownKeys(NAME, context.config(), Set.of(REPAIR));
        String repair = context.config().getOrDefault(REPAIR, "false");
        if (!repair.equals("true") && !repair.equals("false")) {
            throw new IllegalArgumentException(NAME + ": " + REPAIR + "='" + repair + "' must be true or false");
        }
        try {
            return ChecksumFilter.open(context.diskId(), context.capacity(), context.blockSize(), context.stateDirectory(),
                    Boolean.parseBoolean(repair));
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
