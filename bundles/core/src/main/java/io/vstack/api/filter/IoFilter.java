package io.vstack.api.filter;

import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoRequest;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One filter attached to one disk: a stage of that disk's chain.
 *
 * <h2>The data contract</h2>
 * <ul>
 * <li><b>Buffers.</b> {@link IoRequest#buffer()} is the caller's buffer, lent for the duration
 * of {@link #submit} and no longer: keep no reference to it, or to the request, after returning
 * (or after {@link #cancel} for that request). The chain uses the bytes from the buffer's
 * position to its limit; a filter that reads it leaves position and limit as it found them
 * (absolute gets, or a {@code duplicate()}). When {@code next.proceed} returns, the position is
 * wherever the stages below left it (a store may have advanced it to the limit): a filter that
 * works on the bytes remembers the position and limit it was given. The framework moves the
 * position to the limit once the whole chain succeeded.</li>
 * <li><b>Writes.</b> A filter must not modify the caller's buffer on a write (the caller may
 * reuse or re-send it): a transforming filter (encryption, compression) writes its output into
 * a buffer of its own and passes on a request of its own ({@link IoRequest#of}).</li>
 * <li><b>Reads.</b> A filter may fill the caller's buffer itself (a cache hit) or let the stages
 * below fill it and then transform it in place, between the position and the limit.</li>
 * <li><b>Never-written blocks.</b> Below every filter, a block that was never written (or was
 * trimmed) reads as zeros. The framework keeps no per-block "written" bit for filters: a
 * transforming filter that must tell "never written" from "written zeros" keeps its own record
 * in its {@linkplain FilterContext#stateDirectory() state directory} (for instance a bitmap or a
 * per-block header or nonce), or maps an all-zero stored block back to zeros, as an encrypting
 * filter with a per-block counter can (a ciphertext block of all zeros is practically
 * impossible).</li>
 * <li><b>Threads.</b> {@link #submit} is called concurrently on the issuing threads (queue depth
 * = threads). It may block only as long as the I/O below it does, or as its own documented
 * policy says (a throttle). A filter that holds a request longer than the disk manager's
 * {@code filterTimeout} is timed out: the framework calls {@link #cancel} and interrupts the
 * thread, the request fails for its caller with a
 * {@link io.vstack.api.io.FilterTimeoutException}, and whatever the filter completes later is
 * discarded. Blocking waits should therefore be interruptible.</li>
 * <li><b>Errors.</b> Throwing an {@link IoException} fails that request only; any other exception
 * is caught by the framework, fails that request with a
 * {@link io.vstack.api.io.FilterFailedException} naming the filter, and is logged (the first one
 * with its stack trace; {@code filter:list} shows the last).</li>
 * </ul>
 */
@ConsumerType
public interface IoFilter {

    /**
     * Handles one request: complete it here (e.g. a cache hit fills the buffer), pass it on with
     * {@code next.proceed(request)}, pass on a request of its own, or fail it.
     */
    void submit(IoRequest request, IoChain next) throws IoException;

    /**
     * The framework gave up on {@code request}, which this filter has held longer than
     * {@code filterTimeout} (or which a forced detach abandons): release it now (wake the thread
     * that waits, drop queued work for it). Called from the framework's watchdog thread while
     * {@link #submit} still runs on the issuing thread; must not block. The request's fields may
     * change once {@link #submit} has returned. Default: nothing (the interrupt is all).
     */
    default void cancel(IoRequest request) {
    }

    /**
     * Called once when the filter is detached, after its last request returned or was abandoned
     * (after the detach deadline); releases what the filter holds (side files are kept).
     */
    default void close() {
    }
}
