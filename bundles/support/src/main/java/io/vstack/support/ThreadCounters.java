package io.vstack.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A fixed set of exact counters for paths that count on every I/O: each thread adds to cells that
 * only it writes (a plain add, published with an opaque store: no atomic instruction, no fence),
 * and {@link #sum} adds every thread's cells. A {@link java.util.concurrent.atomic.LongAdder}
 * costs a locked compare-and-set per add even without contention, which after a 4 KiB copy also
 * waits for the copy's stores to drain; four of them were a tenth of a cache hit's time through
 * the disk layer (docs/BENCHMARKS.md, caching filter).
 * <p>No update is lost. A thread's cells outlive it: when another thread first counts, the cells of
 * threads that have ended are folded into a retired total, so short-lived threads do not pile up.
 * <p>Thread-safe. {@link #add} allocates nothing after a thread's first add to this object.
 */
public final class ThreadCounters {

    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    private final int fields;
    private final ThreadLocal<long[]> cells = ThreadLocal.withInitial(this::register);
    /** The cells of every thread that counted and had not ended at the last fold; guarded by this. */
    private final List<Owned> owned = new ArrayList<>();
    /** The totals of threads that have ended; guarded by this. */
    private final long[] retired;

    private record Owned(WeakReference<Thread> thread, long[] cells) {
    }

    /** Counters numbered 0 to {@code fields − 1}, all zero. */
    public ThreadCounters(int fields) {
        if (fields <= 0) {
            throw new IllegalArgumentException("a counter set needs at least one field, not " + fields);
        }
        this.fields = fields;
        this.retired = new long[fields];
    }

    /** Adds {@code delta} to counter {@code field}. */
    public void add(int field, long delta) {
        long[] mine = cells.get();
        CELL.setOpaque(mine, field, mine[field] + delta);
    }

    /** Adds one to counter {@code field}. */
    public void increment(int field) {
        add(field, 1);
    }

    /** Adds one to counter {@code count} and {@code amount} to counter {@code total} (an operation and its bytes). */
    public void add(int count, int total, long amount) {
        long[] mine = cells.get();
        CELL.setOpaque(mine, count, mine[count] + 1);
        CELL.setOpaque(mine, total, mine[total] + amount);
    }

    /** The sum of counter {@code field} over every thread that ever counted. */
    public synchronized long sum(int field) {
        long sum = retired[field];
        for (Owned o : owned) {
            sum += (long) CELL.getOpaque(o.cells(), field);
        }
        return sum;
    }

    private synchronized long[] register() {
        // A thread's end happens-before isAlive() returns false: its last adds are visible here.
        for (Iterator<Owned> it = owned.iterator(); it.hasNext(); ) {
            Owned o = it.next();
            Thread t = o.thread().get();
            if (t == null || !t.isAlive()) {
                for (int f = 0; f < fields; f++) {
                    retired[f] += o.cells()[f];
                }
                it.remove();
            }
        }
        long[] mine = new long[fields];
        owned.add(new Owned(new WeakReference<>(Thread.currentThread()), mine));
        return mine;
    }
}
