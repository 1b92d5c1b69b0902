package io.vstack.api.filter;

import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoRequest;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One filter attached to one disk: a stage of that disk's chain.
 * <p><b>Threads.</b> Called concurrently on the issuing threads. {@link #submit} may block only
 * as long as the I/O below it does (or as its own documented policy says, e.g. a throttle);
 * the framework reports a filter that holds a request past its configured timeout.
 * <p><b>Errors.</b> Throwing an {@link IoException} fails that request only; any other exception
 * is caught by the framework and fails that request with a
 * {@link io.vstack.api.io.FilterFailedException} naming the filter.
 */
@ConsumerType
public interface IoFilter {

    /**
     * Handles one request: complete it here (e.g. a cache hit fills the buffer), pass it on with
     * {@code next.proceed(request)}, pass on a request of its own, or fail it.
     */
    void submit(IoRequest request, IoChain next) throws IoException;

    /**
     * Called once when the filter is detached, after its last request returned; releases what
     * the filter holds (side files are kept).
     */
    default void close() {
    }
}
