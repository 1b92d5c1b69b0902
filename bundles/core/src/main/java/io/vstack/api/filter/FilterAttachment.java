package io.vstack.api.filter;

import java.util.Map;
import java.util.Objects;

/**
 * A filter attached to a disk, as recorded in the disk's metadata.
 *
 * @param diskId     the disk
 * @param descriptor the filter
 * @param config     the attach-time configuration; copied, unmodifiable
 * @param active     false while the factory is absent (its bundle stopped or removed): the
 *                   filter is unlinked and I/O passes without it until the factory returns
 */
public record FilterAttachment(String diskId, FilterDescriptor descriptor, Map<String, String> config, boolean active) {

    /**
     * @throws NullPointerException if a field is null
     */
    public FilterAttachment {
        Objects.requireNonNull(diskId, "diskId");
        Objects.requireNonNull(descriptor, "descriptor");
        config = Map.copyOf(config);
    }
}
