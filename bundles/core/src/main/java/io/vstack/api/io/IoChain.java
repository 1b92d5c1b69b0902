package io.vstack.api.io;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The rest of a disk's filter chain below one filter, ending at the disk's backing store.
 * <p>Called on the issuing thread; blocks until the stages below have completed the request.
 * A chain object may be called any number of times, also with requests the filter made itself.
 */
@ProviderType
public interface IoChain {

    /**
     * Passes a request to the next stage and returns when it is complete.
     *
     * @throws IoException if a stage below fails the request
     */
    void proceed(IoRequest request) throws IoException;
}
