package io.vstack.disks.internal;

import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.io.FilterFailedException;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoRequest;
import io.vstack.api.metrics.ThreadCounters;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * One linked filter of one disk's chain: the filter instance, the factory that made it, and
 * what the framework observed of it (failures, requests held past the timeout).
 */
final class Stage {

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
    /** Requests the filter was given (field 0): counted on every request, so per-thread cells, not a LongAdder. */
    final ThreadCounters requests = new ThreadCounters(1);
    private final AtomicBoolean heldReported = new AtomicBoolean();
    private volatile long longestHeldNanos;

    Stage(String diskId, FilterDescriptor descriptor, IoFilter filter, IoFilterFactory factory) {
        this.diskId = diskId;
        this.descriptor = descriptor;
        this.name = descriptor.name();
        this.filter = filter;
        this.factory = factory;
    }

    /** Runs the filter on one request; anything but an {@link IoException} fails only this request. */
    void invoke(IoRequest request, IoChain next) throws IoException {
        requests.increment(0);
        try {
            filter.submit(request, next);
        } catch (IoException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failed(e);
        } catch (Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            // LinkageError (a class of an uninstalled bundle), AssertionError...: the filter's fault.
            throw failed(e);
        }
    }

    private FilterFailedException failed(Throwable e) {
        failures.increment();
        return new FilterFailedException(name, "filter " + name + " failed a " + "request on disk " + diskId + ": " + e, e);
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
