package io.vstack.api.filter;

import java.util.Set;
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
     * <p>{@code context.config()} holds the attach-time pairs minus the framework's own
     * ({@value io.vstack.api.filter.MissingFilterPolicy#CONFIG_KEY}). A factory validates every
     * key it is given and refuses unknown ones, so that a typo does not pass silently.
     *
     * @throws IllegalArgumentException with a one-line message if {@code context.config()} is invalid
     * @throws java.io.UncheckedIOException if the filter cannot set up its state
     */
    IoFilter create(FilterContext context);

    /**
     * The configuration keys whose values are secrets (a key, a password): the framework shows
     * them as {@code ***} in commands and logs and keeps the disk's metadata file readable by its
     * owner only. Constant for the life of the factory. Default: none.
     */
    default Set<String> secretKeys() {
        return Set.of();
    }
}
