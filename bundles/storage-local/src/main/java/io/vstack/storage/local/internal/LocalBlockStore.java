package io.vstack.storage.local.internal;

import com.sun.nio.file.ExtendedOpenOption;
import io.vstack.api.hw.DeviceFaultException;
import io.vstack.api.hw.SimulationKnobs;
import io.vstack.api.storage.BackendUnavailableException;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One store of the local backend: a sparse file read and written with positional
 * {@link FileChannel} I/O directly on the caller's buffer.
 * <p><b>Direct I/O.</b> Opened with {@code O_DIRECT}, the store's {@link #alignment()} is the
 * file system's block size; offsets and lengths must be multiples of it. A caller's buffer that
 * is not a direct buffer at an aligned address goes through a per-thread aligned bounce buffer
 * (the one copy in this class); aligned direct buffers go straight to the kernel.
 * <p><b>Trim.</b> Java cannot call {@code fallocate(PUNCH_HOLE)}. A trim that reaches the end of
 * the store truncates the file to the trim offset and extends it again, which really frees the
 * blocks; any other trim writes zeros over the range, skipping chunks that already read as zero
 * (so never-written ranges stay unallocated). Either way the range reads back as zeros.
 * <p><b>Interrupts.</b> An interrupted thread closes a {@link FileChannel} for everyone; the
 * store reopens it, fails only the interrupted thread's request, and lets the others retry.
 * <p>The steady-state read and write paths allocate nothing.
 */
final class LocalBlockStore implements BlockStore {

    private static final int SCRATCH_SIZE = 1 << 16;
    private static final int MAX_REOPENS = 8;

    private final String backend;
    private final String id;
    private final Path file;
    private final SimulationKnobs knobs;
    private final boolean direct;
    private final int alignment;
    private final long capacity;
    private final String readOp;
    private final String writeOp;
    private final String flushOp;
    private final String trimOp;
    private final ThreadLocal<ByteBuffer> bounce = new ThreadLocal<>();
    private final Object resizeLock = new Object();
    private volatile FileChannel channel;
    private volatile boolean closed;

    private LocalBlockStore(String backend, String id, Path file, SimulationKnobs knobs, boolean direct, int alignment,
                            FileChannel channel) throws IOException {
        this.backend = backend;
        this.id = id;
        this.file = file;
        this.knobs = knobs;
        this.direct = direct;
        this.alignment = alignment;
        this.channel = channel;
        this.capacity = channel.size();
        // Operation names are built once, so the knobs cost no allocation per I/O.
        this.readOp = "read of store " + id;
        this.writeOp = "write of store " + id;
        this.flushOp = "flush of store " + id;
        this.trimOp = "trim of store " + id;
    }

    /** Opens the store file {@code file}; {@code knobs} may be null (no simulated device). */
    static LocalBlockStore open(String backend, String id, Path file, SimulationKnobs knobs, boolean direct)
            throws StorageException {
        FileChannel channel = null;
        try {
            channel = openChannel(file, direct);
            int alignment = direct ? (int) Math.max(1, Files.getFileStore(file).getBlockSize()) : 1;
            return new LocalBlockStore(backend, id, file, knobs, direct, alignment, channel);
        } catch (IOException | UnsupportedOperationException e) {
            closeQuietly(channel);
            String what = direct ? "cannot open " + file + " for direct I/O (the file system may not support O_DIRECT; "
                    + "set directIo=false in io.vstack.storage.local)" : "cannot open " + file;
            throw new StorageException(backend + ": store " + id + ": " + what + ": " + e.getMessage(), e);
        }
    }

    private static FileChannel openChannel(Path file, boolean direct) throws IOException {
        OpenOption[] options = direct
                ? new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT}
                : new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE};
        return FileChannel.open(file, options);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long capacity() {
        return capacity;
    }

    @Override
    public int alignment() {
        return alignment;
    }

    /** The file holding the store's bytes. */
    Path file() {
        return file;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws StorageException {
        checkRange("read", offset, dst.remaining());
        simulate(readOp);
        if (direct && !aligned(dst)) {
            ByteBuffer b = bounce(dst.remaining());
            readFully(offset, b);
            b.flip();
            dst.put(b);
        } else {
            readFully(offset, dst);
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws StorageException {
        checkRange("write", offset, src.remaining());
        simulate(writeOp);
        if (direct && !aligned(src)) {
            ByteBuffer b = bounce(src.remaining());
            b.put(src);
            b.flip();
            writeFully(offset, b);
        } else {
            writeFully(offset, src);
        }
    }

    @Override
    public void flush() throws StorageException {
        simulate(flushOp);
        for (int attempt = 0; ; attempt++) {
            FileChannel ch = open(attempt);
            try {
                ch.force(true);
                return;
            } catch (ClosedChannelException e) {
                recover(ch, e, "flush", 0);
            } catch (IOException e) {
                throw failure("flush", 0, e);
            }
        }
    }

    @Override
    public void trim(long offset, long length) throws StorageException {
        checkRange("trim", offset, length);
        simulate(trimOp);
        if (length == 0) {
            return;
        }
        if (offset + length == capacity) {
            // The tail: truncate and extend again, which frees the blocks (a real hole).
            synchronized (resizeLock) {
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                    raf.setLength(offset);
                    raf.setLength(capacity);
                } catch (IOException e) {
                    throw failure("trim", offset, e);
                }
            }
            return;
        }
        // Elsewhere: write zeros over the blocks that are not zero already.
        ByteBuffer scratch = bounce(SCRATCH_SIZE);
        for (long done = 0; done < length; ) {
            int chunk = (int) Math.min(SCRATCH_SIZE, length - done);
            scratch.clear().limit(chunk);
            readFully(offset + done, scratch);
            if (!allZero(scratch, chunk)) {
                scratch.clear().limit(chunk);
                int i = 0;
                for (; i + 8 <= chunk; i += 8) {
                    scratch.putLong(i, 0L);
                }
                for (; i < chunk; i++) {
                    scratch.put(i, (byte) 0);
                }
                writeFully(offset + done, scratch);
            }
            done += chunk;
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(channel);
    }

    private void readFully(long offset, ByteBuffer dst) throws StorageException {
        int start = dst.position();
        for (int attempt = 0; dst.hasRemaining(); ) {
            FileChannel ch = open(attempt);
            long position = offset + dst.position() - start;
            try {
                if (ch.read(dst, position) < 0) {
                    // Past the end (a concurrent tail trim is resizing the file): those bytes are zero.
                    while (dst.hasRemaining()) {
                        dst.put((byte) 0);
                    }
                }
            } catch (ClosedChannelException e) {
                recover(ch, e, "read", position);
                attempt++;
            } catch (IOException e) {
                throw failure("read", position, e);
            }
        }
    }

    private void writeFully(long offset, ByteBuffer src) throws StorageException {
        int start = src.position();
        for (int attempt = 0; src.hasRemaining(); ) {
            FileChannel ch = open(attempt);
            long position = offset + src.position() - start;
            try {
                ch.write(src, position);
            } catch (ClosedChannelException e) {
                recover(ch, e, "write", position);
                attempt++;
            } catch (IOException e) {
                throw failure("write", position, e);
            }
        }
    }

    private FileChannel open(int attempt) throws StorageException {
        if (closed) {
            throw new StorageException(backend + ": store " + id + " is closed");
        }
        if (attempt > MAX_REOPENS) {
            throw new StorageException(backend + ": store " + id + ": channel closed repeatedly by interrupts; giving up");
        }
        return channel;
    }

    /**
     * A channel was closed under a request: by {@link #close()}, or by an interrupt of some thread.
     * Reopens it for everyone; fails the request only if this thread was the one interrupted.
     */
    private void recover(FileChannel closedChannel, ClosedChannelException e, String op, long position)
            throws StorageException {
        if (closed) {
            throw new StorageException(backend + ": store " + id + " is closed", e);
        }
        synchronized (resizeLock) {
            if (channel == closedChannel && !closed) {
                try {
                    channel = openChannel(file, direct);
                } catch (IOException reopen) {
                    throw failure("reopen for " + op, position, reopen);
                }
            }
        }
        if (e instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()) {
            throw new StorageException(backend + ": store " + id + ": " + op + " at " + position
                    + " interrupted", e);
        }
    }

    private void checkRange(String op, long offset, long length) {
        if (offset < 0 || length < 0 || offset > capacity - length) {
            throw new IllegalArgumentException(backend + ": store " + id + ": " + op + " of " + length
                    + " bytes at " + offset + " is outside its capacity " + capacity);
        }
        if (alignment > 1 && (offset % alignment != 0 || length % alignment != 0)) {
            throw new IllegalArgumentException(backend + ": store " + id + ": " + op + " of " + length
                    + " bytes at " + offset + " is not aligned to " + alignment + " bytes (direct I/O)");
        }
    }

    private void simulate(String op) throws StorageException {
        if (knobs == null) {
            return;
        }
        try {
            knobs.beforeOperation(op);
        } catch (DeviceFaultException e) {
            String message = backend + ": store " + id + ": " + e.getMessage();
            throw knobs.down() ? new BackendUnavailableException(message, e) : new StorageException(message, e);
        }
    }

    private boolean aligned(ByteBuffer buffer) {
        return buffer.isDirect() && buffer.alignmentOffset(buffer.position(), alignment) == 0;
    }

    /** This thread's aligned scratch buffer of at least {@code size} bytes, cleared and limited to {@code size}. */
    private ByteBuffer bounce(int size) {
        ByteBuffer b = bounce.get();
        if (b == null || b.capacity() < size) {
            int capacity = Math.max(SCRATCH_SIZE, Integer.highestOneBit(Math.max(1, size - 1)) << 1);
            int align = Math.max(alignment, 8);
            b = ByteBuffer.allocateDirect(capacity + align).alignedSlice(align);
            bounce.set(b);
        }
        b.clear().limit(size);
        return b;
    }

    private static boolean allZero(ByteBuffer b, int length) {
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            if (b.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private StorageException failure(String op, long position, IOException e) {
        return new StorageException(backend + ": store " + id + ": " + op + " at " + position + " failed: "
                + e.getMessage(), e);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a channel whose data is already written: nothing to recover
            }
        }
    }
}
