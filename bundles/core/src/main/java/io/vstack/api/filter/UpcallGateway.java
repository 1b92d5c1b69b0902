package io.vstack.api.filter;

import io.vstack.api.io.IoException;
import io.vstack.api.io.IoRequest;
import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs a filter's user functions ({@link Upcall}s) off the I/O path, on a bounded executor of
 * that filter on that disk alone (the "user world": a hung function holds only its own filter's
 * threads, never another disk's). The I/O thread that calls {@link #call} waits for the result
 * with a deadline; a hung, throwing or aborted upcall fails the request with a named error, or
 * lets it bypass the filter when the attachment says so. Obtained from
 * {@link FilterContext#upcalls()}.
 * <p><b>Configuration</b>, per attachment, with the framework's attach-time keys (they are not
 * given to the filter's {@link FilterContext#config()}):
 * <ul>
 * <li>{@value #TIMEOUT_KEY}: how long the I/O thread waits for one upcall (default and maximum:
 * the disk manager's {@code filterTimeout});</li>
 * <li>{@value #THREADS_KEY}: upcall threads of the filter on the disk, 1 to 64 (default 2), started
 * on demand and ended when idle;</li>
 * <li>{@value #QUEUE_KEY}: upcalls that may wait for a thread, 1 to 65536 (default 1024); one more
 * fails at once;</li>
 * <li>{@value #ON_FAILURE_KEY}: {@code fail} (default) fails the request with an
 * {@link io.vstack.api.io.UpcallFailedException} (an {@link io.vstack.api.io.UpcallTimeoutException}
 * if it hung); {@code bypass} passes the request on below the filter as if the filter were not
 * there. Bypass only what the filter may be skipped for: a filter that transforms data must
 * fail.</li>
 * </ul>
 * <p><b>Lifecycle.</b> When the filter's bundle goes away, every pending upcall of the filter
 * fails at once (its I/O completes with the error, or bypasses) and the upcall threads are
 * interrupted; later calls fail at once. When the filter is detached or re-created, its gateway
 * closes the same way after the filter's requests have drained.
 * <p>Thread-safe.
 */
@ProviderType
public interface UpcallGateway {

    /** The attach-time key of the upcall deadline, e.g. {@code upcallTimeout=200ms}. */
    String TIMEOUT_KEY = "upcallTimeout";

    /** The attach-time key of the number of upcall threads. */
    String THREADS_KEY = "upcallThreads";

    /** The attach-time key of the number of upcalls that may wait for a thread. */
    String QUEUE_KEY = "upcallQueue";

    /** The attach-time key of what a failed upcall does: {@code fail} or {@code bypass}. */
    String ON_FAILURE_KEY = "onUpcallFailure";

    /**
     * Runs {@code function} on the filter's upcall executor for {@code request} and waits for its
     * result, at most {@link #timeout()}. Call it from {@link IoFilter#submit} before passing the
     * request on: with {@code onUpcallFailure=bypass} the framework passes {@code request} on
     * itself when this throws and the filter lets the exception out of {@code submit}.
     *
     * @return what the function returned
     * @throws io.vstack.api.io.UpcallTimeoutException if the function gave no result by the deadline
     *         (its thread is interrupted, its late result discarded)
     * @throws io.vstack.api.io.UpcallFailedException if it threw, the queue is full, or the upcall
     *         was aborted (the filter's bundle went away, the filter was detached), or the waiting
     *         thread was interrupted
     */
    <T> T call(IoRequest request, Upcall<T> function) throws IoException;

    /** How long {@link #call} waits for one upcall. */
    Duration timeout();
}
