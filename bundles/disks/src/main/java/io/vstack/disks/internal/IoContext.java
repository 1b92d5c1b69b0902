package io.vstack.disks.internal;

import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;

/**
 * The request object a thread reuses for its I/O (one per nesting level): the framework's
 * {@link IoRequest}, plus what the watchdog reads to find requests held too long (which request
 * is running, in which chain and stage). Written by its thread only; the watchdog reads the
 * published fields and keeps its own sightings here. No clock is read per request (a
 * {@code System.nanoTime()} was 4 % of a cache hit through the disk layer): the watchdog times a
 * request from the first scan that sees it running.
 */
final class IoContext implements IoRequest {

    private static final VarHandle RUNNING;
    private static final VarHandle DEPTH;
    private static final VarHandle CHAIN;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            RUNNING = lookup.findVarHandle(IoContext.class, "running", long.class);
            DEPTH = lookup.findVarHandle(IoContext.class, "depth", int.class);
            CHAIN = lookup.findVarHandle(IoContext.class, "chain", Chain.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final WeakReference<Thread> owner;
    private IoOp op;
    private String diskId;
    private long offset;
    private long length;
    private ByteBuffer buffer;
    private String origin;
    /** Requests begun on this context so far. */
    private long begun;
    @SuppressWarnings("unused") // through RUNNING
    private long running;
    @SuppressWarnings("unused") // through DEPTH
    private int depth;
    @SuppressWarnings("unused") // through CHAIN
    private Chain chain;
    /** The watchdog's own: the request it last saw running here, and when it first saw it. */
    long seenSerial;
    long seenAt;
    /** Set by the watchdog when it times the running request out: the filter that held it. */
    private volatile String timedOutIn;
    /** Set by the watchdog once it has interrupted the owner after a time-out. */
    private volatile boolean interruptDelivered;

    IoContext(Thread owner) {
        this.owner = new WeakReference<>(owner);
    }

    void set(IoOp op, String diskId, long offset, long length, ByteBuffer buffer, String origin) {
        this.op = op;
        this.diskId = diskId;
        this.offset = offset;
        this.length = length;
        this.buffer = buffer;
        this.origin = origin;
    }

    /** Marks the request as running in {@code chain} from stage {@code entry}. */
    void begin(Chain chain, int entry) {
        CHAIN.setRelease(this, chain);
        DEPTH.setRelease(this, entry);
        RUNNING.setRelease(this, ++begun);
    }

    void depth(int index) {
        DEPTH.setRelease(this, index);
    }

    /**
     * Marks the request as done and drops the references to the caller's buffer.
     *
     * @return null if the request ended in time; else the name of the filter in which the
     *         watchdog timed it out (the caller fails it; the interrupt the watchdog sent this
     *         thread is cleared here, so it does not hit the caller's next wait)
     */
    String end() {
        CHAIN.setRelease(this, (Chain) null);
        buffer = null;
        if (RUNNING.compareAndSet(this, begun, 0L)) {
            return null;
        }
        while (!interruptDelivered) {
            Thread.onSpinWait();
        }
        Thread.interrupted();
        interruptDelivered = false;
        String filter = timedOutIn;
        RUNNING.setRelease(this, 0L);
        return filter;
    }

    /**
     * The watchdog's side of a time-out: if request {@code serial} still runs, marks it timed out
     * in {@code filter} (its thread's {@link #end} will fail it), runs {@code release} (the
     * filter's cancel hook), interrupts the owner thread, and returns true; false if the request
     * ended meanwhile. Called by the watchdog thread only.
     */
    boolean timeOut(long serial, String filter, Runnable release) {
        timedOutIn = filter;
        if (!RUNNING.compareAndSet(this, serial, -serial)) {
            return false;
        }
        try {
            release.run();
        } finally {
            Thread t = owner.get();
            if (t != null) {
                t.interrupt();
            }
            interruptDelivered = true;
        }
        return true;
    }

    /** The serial number (from 1) of the request running on this context, 0 if none is, negative once timed out. */
    long running() {
        return (long) RUNNING.getAcquire(this);
    }

    int currentDepth() {
        return (int) DEPTH.getAcquire(this);
    }

    Chain currentChain() {
        return (Chain) CHAIN.getAcquire(this);
    }

    boolean ownerAlive() {
        Thread t = owner.get();
        return t != null && t.isAlive();
    }

    @Override
    public IoOp op() {
        return op;
    }

    @Override
    public String diskId() {
        return diskId;
    }

    @Override
    public long offset() {
        return offset;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public ByteBuffer buffer() {
        return buffer;
    }

    @Override
    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return op + " " + diskId + " @" + offset + "+" + length + " from " + origin;
    }
}
