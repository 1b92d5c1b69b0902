package io.vstack.disks.internal;

import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.io.DiskUnavailableException;
import io.vstack.api.io.InvalidIoException;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoRequest;
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
 * transition is over; a dead chain ({@link #dead} set) that fails every I/O.
 */
final class Chain {

    final Stage[] stages;
    final IoChain[] links;
    final ChainStore store;
    final long capacity;
    final String diskId;
    final CountDownLatch hold;
    final String dead;
    final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean retired;
    private volatile Thread drainer;

    private Chain(String diskId, long capacity, Stage[] stages, ChainStore store, CountDownLatch hold, String dead) {
        this.diskId = diskId;
        this.capacity = capacity;
        this.stages = stages;
        this.store = store;
        this.hold = hold;
        this.dead = dead;
        this.links = new IoChain[stages.length + 1];
        for (int i = 0; i <= stages.length; i++) {
            links[i] = new Link(this, i);
        }
    }

    /** A working chain of {@code stages} (sorted here) over {@code store}, which may be null (not open yet). */
    static Chain of(String diskId, long capacity, List<Stage> stages, ChainStore store) {
        Stage[] sorted = stages.toArray(new Stage[0]);
        java.util.Arrays.sort(sorted, (a, b) -> Stage.ORDER.compare(a.descriptor, b.descriptor));
        return new Chain(diskId, capacity, sorted, store, null, null);
    }

    /** A barrier: I/O that enters waits for {@code hold}, then reads the chain again. */
    static Chain barrier(Chain current, CountDownLatch hold) {
        return new Chain(current.diskId, current.capacity, current.stages, current.store, hold, null);
    }

    /** A dead chain: every I/O fails with {@code reason}. */
    static Chain dead(String diskId, long capacity, String reason) {
        return new Chain(diskId, capacity, new Stage[0], null, null, reason);
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
     * has left. Calls {@code slow} once if that takes longer than {@code reportAfterNanos}.
     */
    void drain(long reportAfterNanos, Runnable slow) {
        drainer = Thread.currentThread();
        retired = true;
        long start = System.nanoTime();
        boolean reported = false;
        boolean interrupted = false;
        while (inFlight.get() != 0) {
            LockSupport.parkNanos(this, 10_000_000L);
            interrupted |= Thread.interrupted();
            if (!reported && System.nanoTime() - start > reportAfterNanos) {
                reported = true;
                slow.run();
            }
        }
        drainer = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
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
