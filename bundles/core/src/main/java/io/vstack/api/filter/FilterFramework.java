package io.vstack.api.filter;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The filter framework of one host: runs the ordered filter chains of the disks the host owns.
 * Registered as a service per host, with property {@link io.vstack.api.hw.Host#NAME_PROPERTY}.
 * <p><b>Threads.</b> Thread-safe. Attach and detach may run while I/O runs on the disk: a detach
 * waits for the filter's in-flight requests to finish (new ones bypass it), so it blocks for as
 * long as the slowest of those.
 */
@ProviderType
public interface FilterFramework {

    /** The host this framework belongs to. */
    String host();

    /** The filters that can be attached right now, by name. */
    List<FilterDescriptor> available();

    /** The filters attached to a disk, in chain order (nearest the caller first). */
    List<FilterAttachment> attachments(String diskId);

    /**
     * Attaches filter {@code filterName} to a disk of this host and records it in the disk's
     * metadata.
     *
     * @throws IllegalArgumentException naming the unknown disk or filter, a filter already
     *         attached, or the config the factory refuses
     */
    FilterAttachment attach(String diskId, String filterName, Map<String, String> config);

    /**
     * Detaches a filter after draining its in-flight requests.
     *
     * @throws IllegalArgumentException if the filter is not attached to the disk
     */
    void detach(String diskId, String filterName);
}
