package io.vstack.disks.internal;

import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.MissingFilterPolicy;
import io.vstack.api.io.DiskUnavailableException;
import io.vstack.api.io.InvalidIoException;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoRequest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An immutable snapshot of one disk's data path: its linked filters as an array, in order, the
 * precomputed links between them, and the differencing layer ({@link ChainStore}) at the bottom.
 * A disk publishes a new chain (one volatile write) whenever a filter is linked or unlinked or
 * its chain of disks changes; I/O reads the current one (one volatile read) and counts itself in and out of it, so a retired chain can be drained.
 * <p>Three kinds: a working chain; a barrier ({@link #hold} set) that holds entering I/O until a
 * transition is over; a dead chain ({@link #dead} set) that fails every I/O. A working chain may
 * also have {@link #gates}: attached filters that are not linked and must not be bypassed; I/O
 * that would pass through one waits for a newer chain ({@link #replaced}) or fails.
 */
final class Chain {

    /** An attached filter that is not linked, and what I/O through it does meanwhile (hold or fail). */
    record Gate(FilterDescriptor descriptor, MissingFilterPolicy policy) {
    }

    final Stage[] stages;
    /** The gates in chain order, or null if there are none (the hot path tests only that). */
    final Gate[] gates;
    /** Counted down when this chain is replaced by a newer one; what held I/O waits on. */
    final CountDownLatch replaced = new CountDownLatch(1);
    final IoChain[] links;
    final ChainStore store;
    final long capacity;
    final String diskId;
    final CountDownLatch hold;
    final String dead;
    final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean retired;
    private volatile Thread drainer;

    private Chain(String diskId, long capacity, Stage[] stages, Gate[] gates, ChainStore store, CountDownLatch hold,
                  String dead) {
        this.diskId = diskId;
        this.capacity = capacity;
        this.stages = stages;
        this.gates = gates.length == 0 ? null : gates;
        this.store = store;
        this.hold = hold;
        this.dead = dead;
        this.links = new IoChain[stages.length + 1];
        for (int i = 0; i <= stages.length; i++) {
            links[i] = new Link(this, i);
        }
    }

    /**
     * A working chain of {@code stages} (sorted here) over {@code store}, which may be null (not
     * open yet), with {@code gates} for the attached filters that are missing.
     */
    static Chain of(String diskId, long capacity, List<Stage> stages, List<Gate> gates, ChainStore store) {
        Stage[] sorted = stages.toArray(new Stage[0]);
        Arrays.sort(sorted, (a, b) -> Stage.ORDER.compare(a.descriptor, b.descriptor));
        Gate[] sortedGates = gates.toArray(new Gate[0]);
        Arrays.sort(sortedGates, (a, b) -> Stage.ORDER.compare(a.descriptor, b.descriptor));
        return new Chain(diskId, capacity, sorted, sortedGates, store, null, null);
    }

    /** A barrier: I/O that enters waits for {@code hold}, then reads the chain again. */
    static Chain barrier(Chain current, CountDownLatch hold) {
        return new Chain(current.diskId, current.capacity, current.stages, new Gate[0], current.store, hold, null);
    }

    /** A dead chain: every I/O fails with {@code reason}. */
    static Chain dead(String diskId, long capacity, String reason) {
        return new Chain(diskId, capacity, new Stage[0], new Gate[0], null, null, reason);
    }

    /**
     * The first gate that I/O entering at filter position {@code target} (null: the top) would
     * pass, or null. Only called when {@link #gates} is not null.
     */
    Gate gateFor(FilterDescriptor target) {
        for (Gate gate : gates) {
            if (target == null || Stage.ORDER.compare(gate.descriptor(), target) >= 0) {
                return gate;
            }
        }
        return null;
    }

    /** The index where I/O aimed at filter position (class, rank, name) enters: that filter or the first below it. */
    int entryFor(FilterDescriptor target) {
        for (int i = 0; i < stages.length; i++) {
            if (stages[i].compareTo(target.filterClass(), target.rank(), target.name()) >= 0) {
                return i;
            }
        }
        return stages.length;
    }

    /** Runs a request from stage {@code index} down. */
    void run(int index, IoRequest request) throws IoException {
        if (index < stages.length) {
            stages[index].invoke(request, links[index + 1]);
        } else {
            terminal(request);
        }
    }

    private void terminal(IoRequest request) throws IoException {
        ChainStore s = store;
        if (s == null) {
            throw new DiskUnavailableException("disk " + diskId + ": its store is not open");
        }
        long offset = request.offset();
        long length = request.length();
        if (offset < 0 || length < 0 || offset > capacity - length) {
            // A filter passed on a request of its own that the disk refuses.
            throw new InvalidIoException("disk " + diskId + ": " + request.op() + " of " + length + " bytes at " + offset
                    + " is outside the capacity " + capacity);
        }
        try {
            switch (request.op()) {
                case READ -> s.read(offset, request.buffer());
                case WRITE -> s.write(offset, request.buffer());
                case FLUSH -> s.flush();
                case TRIM -> s.trim(offset, length);
                default -> throw new InvalidIoException("disk " + diskId + ": unknown operation " + request.op());
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidIoException("disk " + diskId + ": " + e.getMessage());
        }
    }

    /** Counts one request out; wakes the drainer when the last one leaves a retired chain. */
    void exit() {
        if (inFlight.decrementAndGet() == 0 && retired) {
            Thread waiter = drainer;
            if (waiter != null) {
                LockSupport.unpark(waiter);
            }
        }
    }

    /**
     * Retires this chain (a newer one is published already) and waits until every request in it
     * has left, at most {@code deadlineNanos}.
     *
     * @return true if the chain drained; false if requests are still in it at the deadline (a
     *         filter that does not let go even when timed out and interrupted)
     */
    boolean drain(long deadlineNanos) {
        drainer = Thread.currentThread();
        retired = true;
        long end = System.nanoTime() + deadlineNanos;
        boolean interrupted = false;
        while (inFlight.get() != 0 && end - System.nanoTime() > 0) {
            LockSupport.parkNanos(this, Math.min(10_000_000L, Math.max(1, end - System.nanoTime())));
            interrupted |= Thread.interrupted();
        }
        drainer = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return inFlight.get() == 0;
    }

    /** The stage a link enters, as a chain link handed to the filter above it. */
    private static final class Link implements IoChain {
        private final Chain chain;
        private final int index;

        Link(Chain chain, int index) {
            this.chain = chain;
            this.index = index;
        }

        @Override
        public void proceed(IoRequest request) throws IoException {
            if (request instanceof IoContext context) {
                context.depth(index);
                try {
                    chain.run(index, request);
                } finally {
                    context.depth(index - 1);
                }
            } else {
                chain.run(index, request);
            }
        }
    }
}
