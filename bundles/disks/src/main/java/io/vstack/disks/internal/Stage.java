package io.vstack.disks.internal;

import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.io.FilterFailedException;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoRequest;
import io.vstack.api.io.UpcallFailedException;
import io.vstack.support.ThreadCounters;
import io.vstack.support.UpcallGate;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One linked filter of one disk's chain: the filter instance, the factory that made it, and
 * what the framework observed of it (failures and the last one, requests held past the timeout).
 */
final class Stage {

    private static final Logger LOG = LoggerFactory.getLogger(Stage.class);
    /** After a filter's first failure (logged with its stack trace), at most one line per this interval. */
    private static final long FAILURE_LOG_INTERVAL_NANOS = 10_000_000_000L;

    /** Chain order: filter class, then higher rank first, then name (for a stable order). */
    static final Comparator<FilterDescriptor> ORDER = Comparator
            .comparing(FilterDescriptor::filterClass)
            .thenComparing(Comparator.comparingInt(FilterDescriptor::rank).reversed())
            .thenComparing(FilterDescriptor::name);

    final String diskId;
    final FilterDescriptor descriptor;
    final String name;
    final IoFilter filter;
    final IoFilterFactory factory;
    final LongAdder failures = new LongAdder();
    /** Requests the watchdog timed out in this filter (held past {@code filterTimeout}). */
    final LongAdder timeouts = new LongAdder();
    /** Requests the filter was given (field 0): counted on every request, so per-thread cells, not a LongAdder. */
    final ThreadCounters requests = new ThreadCounters(1);
    private final AtomicBoolean heldReported = new AtomicBoolean();
    private volatile long longestHeldNanos;
    private final AtomicBoolean failureLogged = new AtomicBoolean();
    private volatile long nextFailureLog;
    private volatile String lastError;

    /** The filter's upcall gateway on this disk, or null (a stage made without one). */
    final UpcallGate upcalls;

    Stage(String diskId, FilterDescriptor descriptor, IoFilter filter, IoFilterFactory factory) {
        this(diskId, descriptor, filter, factory, null);
    }

    Stage(String diskId, FilterDescriptor descriptor, IoFilter filter, IoFilterFactory factory, UpcallGate upcalls) {
        this.diskId = diskId;
        this.descriptor = descriptor;
        this.name = descriptor.name();
        this.filter = filter;
        this.factory = factory;
        this.upcalls = upcalls;
    }

    /**
     * Runs the filter on one request; anything but an {@link IoException} fails only this
     * request. A failed upcall of this filter fails it too, or, with {@code onUpcallFailure=bypass},
     * passes the request on below the filter.
     */
    void invoke(IoRequest request, IoChain next) throws IoException {
        requests.increment(0);
        try {
            filter.submit(request, next);
        } catch (UpcallFailedException e) {
            if (upcalls == null || !name.equals(e.filter())) {
                throw e; // another filter's, below this one
            }
            lastError = e.getMessage();
            failures.increment();
            if (!upcalls.bypass() || request instanceof IoContext context && context.running() < 0) {
                throw e;
            }
            next.proceed(request);
        } catch (IoException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failed(request, e);
        } catch (Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            // LinkageError (a class of an uninstalled bundle), AssertionError...: the filter's fault.
            throw failed(request, e);
        }
    }

    private FilterFailedException failed(IoRequest request, Throwable e) {
        if (request instanceof IoContext context && context.running() < 0) {
            // What the filter threw when the watchdog timed the request out and interrupted it:
            // the time-out is the failure (counted and shown); the caller gets that instead.
            return new FilterFailedException(name, "filter " + name + " failed a timed-out request on disk " + diskId, e);
        }
        String error = describe(e);
        lastError = error;
        failures.increment();
        long now = System.nanoTime();
        if (failureLogged.compareAndSet(false, true)) {
            nextFailureLog = now + FAILURE_LOG_INTERVAL_NANOS;
            LOG.warn("Filter {} failed a request on disk {} (the request fails; later failures are counted, "
                    + "logged at most every {} s, and filter:list shows the last): {}", name, diskId,
                    FAILURE_LOG_INTERVAL_NANOS / 1_000_000_000L, error, e);
        } else if (now - nextFailureLog >= 0) {
            nextFailureLog = now + FAILURE_LOG_INTERVAL_NANOS;
            LOG.warn("Filter {} on disk {} has failed {} request(s) so far; the last: {}", name, diskId, failures.sum(), error);
        }
        return new FilterFailedException(name, "filter " + name + " failed a request on disk " + diskId + ": " + error, e);
    }

    /** A failure as one line: the exception and where the filter threw it (an NPE often has no message). */
    static String describe(Throwable e) {
        StackTraceElement[] trace = e.getStackTrace();
        return trace.length == 0 ? e.toString() : e + " at " + trace[0];
    }

    /** Closes the filter's upcall gateway: pending upcalls fail naming {@code reason}, its threads are interrupted. */
    void closeUpcalls(String reason) {
        if (upcalls != null) {
            upcalls.abort(reason);
        }
    }

    /** The watchdog timed a request out in this filter; {@code error} says what it held and how long. */
    void timedOut(String error) {
        lastError = error;
        failures.increment();
        timeouts.increment();
    }

    /** The last failure of the filter (an exception it threw, or a time-out), null if none. */
    String lastError() {
        return lastError;
    }

    /** Records that the filter holds a request for {@code nanos}; true the first time (to log once). */
    boolean reportHeld(long nanos) {
        if (nanos > longestHeldNanos) {
            longestHeldNanos = nanos;
        }
        return heldReported.compareAndSet(false, true);
    }

    /** The longest time the filter was seen holding a request past the timeout, 0 if never. */
    long longestHeldNanos() {
        return longestHeldNanos;
    }

    /** Compares a stage with a position (class, rank, name) in chain order. */
    int compareTo(FilterClass filterClass, int rank, String otherName) {
        int c = descriptor.filterClass().compareTo(filterClass);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(rank, descriptor.rank());
        return c != 0 ? c : name.compareTo(otherName);
    }
}
