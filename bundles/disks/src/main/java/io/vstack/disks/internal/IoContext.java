package io.vstack.disks.internal;

import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;

/**
 * The request object a thread reuses for its I/O (one per nesting level): the framework's
 * {@link IoRequest}, plus what the watchdog reads to find requests held too long (when the
 * request started, which chain and stage it is in). Written by its thread only; the watchdog
 * reads the published fields.
 */
final class IoContext implements IoRequest {

    private static final VarHandle START;
    private static final VarHandle DEPTH;
    private static final VarHandle CHAIN;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            START = lookup.findVarHandle(IoContext.class, "startNanos", long.class);
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
    @SuppressWarnings("unused") // through START
    private long startNanos;
    @SuppressWarnings("unused") // through DEPTH
    private int depth;
    @SuppressWarnings("unused") // through CHAIN
    private Chain chain;

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
        long now = System.nanoTime();
        START.setRelease(this, now == 0 ? 1 : now);
    }

    void depth(int index) {
        DEPTH.setRelease(this, index);
    }

    /** Marks the request as done and drops the references to the caller's buffer. */
    void end() {
        START.setRelease(this, 0L);
        CHAIN.setRelease(this, (Chain) null);
        buffer = null;
    }

    /** When the running request started ({@link System#nanoTime()}), 0 if none is running. */
    long startNanos() {
        return (long) START.getAcquire(this);
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
