package io.vstack.storage.shared.internal;

import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageException;

import java.nio.ByteBuffer;

/**
 * One host's view of a shared LUN: a device context on the disk server, the host's initiator
 * id, and block I/O as tunnelled READ(16)/WRITE(16)/SYNCHRONIZE CACHE(16) commands. A command
 * the LUN's reservations refuse fails with a {@link StorageException} that says so. When the
 * server has lost the context (it restarted), the store opens a new one and retries once.
 */
final class SharedBlockStore implements BlockStore {

    private static final int MAX_BYTES = ScsiTarget.MAX_TRANSFER_BLOCKS * ScsiTarget.BLOCK_SIZE;

    private final SharedDiskClient client;
    private final String id;
    private final String lun;
    private final String host;
    private final long capacity;
    private volatile long context;
    private volatile boolean closed;

    SharedBlockStore(SharedDiskClient client, String id, String lun, String host) throws StorageException {
        this.client = client;
        this.id = id;
        this.lun = lun;
        this.host = host;
        SharedDiskClient.Opened opened = client.open(lun, host);
        this.context = opened.context();
        this.capacity = opened.capacity();
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
        return ScsiTarget.BLOCK_SIZE;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws StorageException {
        checkRange(offset, dst.remaining());
        while (dst.hasRemaining()) {
            int length = Math.min(dst.remaining(), MAX_BYTES);
            ScsiResult result = execute(rw(ScsiTarget.READ_16, offset, length), null, length, "read");
            ByteBuffer data = result.dataIn();
            if (data.remaining() != length) {
                throw new StorageException(what() + ": read of " + length + " bytes returned " + data.remaining());
            }
            dst.put(data);
            offset += length;
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws StorageException {
        checkRange(offset, src.remaining());
        while (src.hasRemaining()) {
            int length = Math.min(src.remaining(), MAX_BYTES);
            ByteBuffer chunk = src.slice(src.position(), length);
            execute(rw(ScsiTarget.WRITE_16, offset, length), chunk, 0, "write");
            src.position(src.position() + length);
            offset += length;
        }
    }

    @Override
    public void flush() throws StorageException {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) ScsiTarget.SYNCHRONIZE_CACHE_16;
        execute(cdb, null, 0, "flush");
    }

    @Override
    public void trim(long offset, long length) throws StorageException {
        checkRange(offset, length);
        // SBC's UNMAP is not offered by the server: a trimmed range is written with zeros, so it reads as zeros.
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(length, MAX_BYTES));
        for (long done = 0; done < length; ) {
            int chunk = (int) Math.min(length - done, zeros.capacity());
            write(offset + done, zeros.clear().limit(chunk));
            done += chunk;
        }
    }

    /** Sends a command on this view's context; reopens the context once if the server lost it. */
    ScsiResult execute(byte[] cdb, ByteBuffer dataOut, int dataIn, String what) throws StorageException {
        if (closed) {
            throw new StorageException(what() + " is closed");
        }
        ScsiResult result;
        try {
            result = client.execute(context, cdb, dataOut, dataIn, what() + " " + what);
        } catch (SharedDiskException e) {
            if (e.status != Rsvd.NO_SUCH_CONTEXT) {
                throw e;
            }
            context = client.open(lun, host).context();
            result = client.execute(context, cdb, dataOut, dataIn, what() + " " + what);
        }
        if (result.status() == ScsiResult.RESERVATION_CONFLICT) {
            throw new StorageException(what() + ": " + what + " refused: RESERVATION CONFLICT (host " + host
                    + " is not allowed by the LUN's persistent reservation)");
        }
        if (result.status() != ScsiResult.GOOD) {
            throw new StorageException(what() + ": " + what + " failed: " + result.describe());
        }
        return result;
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > capacity - length
                || offset % ScsiTarget.BLOCK_SIZE != 0 || length % ScsiTarget.BLOCK_SIZE != 0) {
            throw new IllegalArgumentException(what() + ": range " + offset + "+" + length
                    + " is not whole 512-byte blocks inside " + capacity);
        }
    }

    private static byte[] rw(int opcode, long offset, int length) {
        return ByteBuffer.allocate(16).put((byte) opcode).put((byte) 0).putLong(offset / ScsiTarget.BLOCK_SIZE)
                .putInt(length / ScsiTarget.BLOCK_SIZE).array();
    }

    private String what() {
        return "shared LUN " + lun + " (host " + host + ")";
    }

    @Override
    public void close() throws StorageException {
        if (!closed) {
            closed = true;
            client.closeContext(context);
        }
    }
}
