package io.vstack.api.filter;

import io.vstack.api.io.IoException;
import io.vstack.api.io.IoRequest;
import io.vstack.api.transport.Endpoint;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Linked storage: a filter sends a request on to a disk of another filter framework instance
 * (another distribution process, reached over the transport) instead of down its own chain.
 * There the request enters the target disk's chain at the named filter (as
 * {@link io.vstack.api.disk.VirtualDisk#openAt} does), so that filter and those below it see it;
 * they may redirect it further. Obtained from {@link FilterContext#linkedStorage()}.
 * <p>The request carries its hop list (the disks it passed, as {@code endpoint/disk}): a disk
 * met twice is a loop, and more than {@value #MAX_HOPS} hops are refused; both fail the request,
 * back to its first caller, with an {@link io.vstack.api.io.RedirectLoopException}. Each disk
 * keeps the hops of its recent redirected requests with each hop's latency ({@code disk:trace}).
 * <p>Thread-safe.
 */
@ProviderType
public interface LinkedStorage {

    /** The most hops a request may take. */
    int MAX_HOPS = 8;

    /**
     * Runs {@code request} on disk {@code diskId} of the framework instance served at
     * {@code target}, entering its chain at filter {@code filter} (null: at the top), and waits
     * for it: a read fills {@code request}'s buffer from its position to its limit (the position
     * is left alone), a write sends those bytes. Completes the request: do not also pass it on.
     *
     * @throws io.vstack.api.io.RedirectLoopException if the request would visit a disk twice or take more than
     *         {@value #MAX_HOPS} hops
     * @throws io.vstack.api.io.DiskUnavailableException if the target cannot be reached or this process's
     *         transport is not serving
     * @throws IoException what the target's chain failed the request with (its message)
     */
    void redirect(IoRequest request, Endpoint target, String diskId, String filter) throws IoException;
}
