package io.vstack.api.filter;

import java.nio.file.Path;
import java.util.Map;
import io.vstack.api.disk.DiskChain;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a filter instance learns about the disk it is attached to. Immutable.
 */
@ProviderType
public interface FilterContext {

    /** The disk's id. */
    String diskId();

    /** The name of the host whose filter framework runs the filter. */
    String host();

    /** The disk's capacity in bytes. */
    long capacity();

    /** The disk's block size in bytes. */
    int blockSize();

    /** The configuration given at attach time ({@code key=value} pairs); unmodifiable. */
    Map<String, String> config();

    /**
     * A directory that belongs to this (disk, filter) pair, for the filter's side files. It
     * exists, survives restarts, and is removed when the disk is deleted.
     */
    Path stateDirectory();

    /**
     * Where each block of the disk lives: the disk and its ancestors if it is a differencing disk
     * (a caching filter keys a block by the member that holds it, so linked clones share the
     * base's cached blocks). A disk with no parent is a chain of one.
     */
    default DiskChain chain() {
        return DiskChain.single(diskId());
    }

    /**
     * The filter's upcall gateway on this disk: runs user functions off the I/O path with a
     * deadline (see {@link UpcallGateway}). The default, for a context that offers none (a test
     * double), throws.
     *
     * @throws UnsupportedOperationException if this context runs no upcalls
     * @since 1.3
     */
    default UpcallGateway upcalls() {
        throw new UnsupportedOperationException("filter context of disk " + diskId() + " offers no upcall gateway");
    }

    /**
     * Linked storage: how the filter redirects a request to a disk of another framework instance
     * over the transport (see {@link LinkedStorage}). The default, for a context that offers none
     * (a test double), throws.
     *
     * @throws UnsupportedOperationException if this context cannot redirect
     * @since 1.3
     */
    default LinkedStorage linkedStorage() {
        throw new UnsupportedOperationException("filter context of disk " + diskId() + " offers no linked storage");
    }
}
