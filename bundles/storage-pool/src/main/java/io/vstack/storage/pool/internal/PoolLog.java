package io.vstack.storage.pool.internal;

import io.vstack.support.StoreFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A pool's crash-safe allocation metadata on disk, beside the pool file {@code F}: the snapshot
 * {@code F.map} (written through {@link StoreFiles#writeAtomically}: temp file, fsync, rename) and
 * the write-ahead log {@code F.wal}, whose header names the snapshot it follows and whose records
 * each carry a length and a CRC32. A commit appends records and fsyncs; a checkpoint writes a new
 * snapshot, then a fresh log (atomically too), so a crash anywhere leaves the old snapshot and its
 * log, or the new snapshot (whose log is then stale and ignored). A torn last record (a crash
 * mid-append) ends the log and is cut off on the next open.
 * <p>Not thread-safe: {@link TempPool} calls it under its lock.
 */
final class PoolLog implements AutoCloseable {

    private static final long WAL_MAGIC = 0x5653504f4f4c5731L; // "VSPOOLW1"
    private static final int HEADER = 8 + 8 + 4;

    private final Path snapshotFile;
    private final Path walFile;
    private FileChannel wal;
    private long walSize;

    private PoolLog(Path poolFile) {
        this.snapshotFile = snapshotFile(poolFile);
        this.walFile = poolFile.resolveSibling(poolFile.getFileName() + ".wal");
    }

    static Path snapshotFile(Path poolFile) {
        return poolFile.resolveSibling(poolFile.getFileName() + ".map");
    }

    /** Writes the metadata of a new, empty pool. */
    static void initialize(Path poolFile, PoolState empty) throws IOException {
        PoolLog log = new PoolLog(poolFile);
        StoreFiles.writeAtomically(log.snapshotFile, empty.snapshot());
        StoreFiles.writeAtomically(log.walFile, header(empty.seq));
    }

    /**
     * Reads the committed state: the snapshot and the records of its log, up to the first torn or
     * damaged record.
     *
     * @throws IOException naming the file and what is wrong with it
     */
    static PoolState read(Path poolFile, int blockSize, long blocks) throws IOException {
        return new PoolLog(poolFile).load(blockSize, blocks, false);
    }

    /** Opens the metadata for appending, after reading it; a torn tail is cut off. */
    static PoolLog open(Path poolFile, int blockSize, long blocks, PoolState[] state) throws IOException {
        PoolLog log = new PoolLog(poolFile);
        state[0] = log.load(blockSize, blocks, true);
        return log;
    }

    private PoolState load(int blockSize, long blocks, boolean forAppend) throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(snapshotFile);
        } catch (NoSuchFileException e) {
            throw new IOException(snapshotFile + " is missing");
        }
        PoolState state;
        try {
            state = PoolState.read(content, blockSize, blocks);
        } catch (IOException e) {
            throw new IOException(snapshotFile + ": " + e.getMessage(), e);
        }
        byte[] log;
        try {
            log = Files.readAllBytes(walFile);
        } catch (NoSuchFileException e) {
            throw new IOException(walFile + " is missing");
        }
        ByteBuffer in = ByteBuffer.wrap(log);
        if (log.length < HEADER || in.getLong() != WAL_MAGIC
                || PoolState.crc(log, 16) != ByteBuffer.wrap(log, 16, 4).getInt()) {
            throw new IOException(walFile + ": bad header (corrupt)");
        }
        long seq = in.getLong();
        in.getInt();
        long end = HEADER;
        if (seq == state.seq) {
            while (in.remaining() >= 8) {
                int length = in.getInt();
                if (length <= 0 || length > in.remaining() - 4) {
                    break;
                }
                byte[] payload = new byte[length];
                in.get(payload);
                if (PoolState.crc(payload, length) != in.getInt()) {
                    break;
                }
                state.apply(PoolState.decode(payload));
                end = in.position();
            }
        } else if (seq > state.seq) {
            throw new IOException(walFile + " follows snapshot " + seq + " but " + snapshotFile + " is " + state.seq
                    + " (an older metadata file was restored?)");
        }
        // seq < state.seq: a checkpoint wrote the snapshot and died before the fresh log; the log is stale.
        if (forAppend) {
            if (seq != state.seq) {
                StoreFiles.writeAtomically(walFile, header(state.seq));
                end = HEADER;
            }
            wal = FileChannel.open(walFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (wal.size() > end) {
                wal.truncate(end);
                wal.force(true);
            }
            walSize = end;
        }
        return state;
    }

    /** Appends records and makes them durable. */
    void append(List<PoolState.Record> records) throws IOException {
        if (records.isEmpty()) {
            return;
        }
        byte[][] payloads = new byte[records.size()][];
        int total = 0;
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = PoolState.encode(records.get(i));
            total += 8 + payloads[i].length;
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        for (byte[] p : payloads) {
            out.putInt(p.length).put(p).putInt(PoolState.crc(p, p.length));
        }
        out.flip();
        long position = walSize;
        while (out.hasRemaining()) {
            position += wal.write(out, position);
        }
        wal.force(false);
        walSize = position;
    }

    /** Bytes of records in the log since the last checkpoint. */
    long logBytes() {
        return walSize - HEADER;
    }

    /** Writes {@code state} (all of whose changes are committed) as the next snapshot, and starts a fresh log. */
    void checkpoint(PoolState state) throws IOException {
        state.seq++;
        StoreFiles.writeAtomically(snapshotFile, state.snapshot());
        StoreFiles.writeAtomically(walFile, header(state.seq));
        wal.close();
        wal = FileChannel.open(walFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        walSize = HEADER;
    }

    private static byte[] header(long seq) {
        ByteBuffer b = ByteBuffer.allocate(HEADER);
        b.putLong(WAL_MAGIC).putLong(seq);
        b.putInt(PoolState.crc(b.array(), 16));
        return b.array();
    }

    @Override
    public void close() throws IOException {
        if (wal != null) {
            wal.close();
        }
    }
}
