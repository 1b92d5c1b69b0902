package io.vstack.api.filter;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Makes filters of one kind. Register it as a service; each host's filter framework finds it
 * (whiteboard) and calls {@link #create} for each disk the filter is attached to.
 * <p>Thread-safe; {@link #create} may do file I/O (open side files) but should not be slow.
 */
@ConsumerType
public interface IoFilterFactory {

    /** What the filter is; constant for the life of the factory. */
    FilterDescriptor descriptor();

    /**
     * Creates the filter instance for one disk.
     *
     * @throws IllegalArgumentException with a one-line message if {@code context.config()} is invalid
     * @throws java.io.UncheckedIOException if the filter cannot set up its state
     */
    IoFilter create(FilterContext context);
}
