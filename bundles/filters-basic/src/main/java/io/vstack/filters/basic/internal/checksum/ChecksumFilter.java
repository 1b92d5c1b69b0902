package io.vstack.filters.basic.internal.checksum;

import io.vstack.support.BlockRangeLocks;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.io.DataIntegrityException;
import io.vstack.api.io.InvalidIoException;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a CRC32C per block of one disk in a state file ({@link ChecksumStore}) and verifies
 * every read against it. A block whose checksum was lost and repaired ({@code repair=true})
 * takes the CRC of its next read.
 * <ul>
 * <li><b>Write</b>: clear the blocks' entries, pass the write down, then store the new CRCs.
 *     A write that fails leaves the entries cleared (the data on the disk is unknown).</li>
 * <li><b>Read</b>: pass down, then compute each block's CRC over the caller's buffer; a block
 *     with an entry whose CRC differs fails the read with a {@link DataIntegrityException}
 *     naming disk, block, offset, expected and actual CRC. A block without an entry (never
 *     written, or trimmed) is not checked.</li>
 * <li><b>Trim</b>: pass down, then clear the entries. <b>Flush</b>: pass down, then force the
 *     state file, so that whatever a flush made durable has its checksums durable too.</li>
 * </ul>
 * <b>Crash consistency.</b> Because the entry is cleared before the data write and set after
 * it, a process that dies in between leaves the block unchecked, not falsely corrupt (mapped
 * pages survive a process crash). A machine crash can lose side-file pages that were not yet
 * forced: blocks written after the last flush may then carry a stale CRC and fail their next
 * read with a {@link DataIntegrityException}, just as their data carries no durability promise.
 * Blocks covered by a completed flush always verify. Opening a state file that was not closed
 * cleanly is logged; so is one whose entries or header fail their checks (see {@link ChecksumStore}).
 * <p><b>Alignment.</b> Requests must cover whole blocks (the disk layer enforces it); a
 * misaligned one fails with an {@link InvalidIoException} before anything is done.
 * <p><b>Threads.</b> Concurrent requests to the same blocks are serialized by striped
 * read-write locks (writes exclusive, reads shared), so a read never sees new data with an old
 * CRC. No allocation per I/O: CRC32C objects are per thread, and the CRC is computed over the
 * caller's buffer in place (position and limit restored).
 */
public final class ChecksumFilter implements IoFilter {

    private static final Logger LOG = LoggerFactory.getLogger(ChecksumFilter.class);
    private static final int STRIPES = 1024;

    private final String diskId;
    private final int blockSize;
    private final ChecksumStore store;
    private final BlockRangeLocks locks = new BlockRangeLocks(STRIPES, 0);
    private final ThreadLocal<CRC32C> crcs = ThreadLocal.withInitial(CRC32C::new);
    private final LongAdder verified = new LongAdder();
    private final LongAdder mismatches = new LongAdder();

    private ChecksumFilter(String diskId, int blockSize, ChecksumStore store) {
        this.diskId = diskId;
        this.blockSize = blockSize;
        this.store = store;
    }

    /**
     * Opens (or creates, or converts from version 1) the state file in {@code stateDirectory},
     * checks it, and returns the filter. Damage found (entries whose check fails, entries lost to
     * a truncation) is named in one WARN line; those blocks are not verified until written again,
     * or, with {@code repair}, take their checksum from their next read.
     *
     * @throws UncheckedIOException if the state file cannot be opened, belongs to another geometry,
     *                              or has a damaged header and {@code repair} is false
     */
    public static ChecksumFilter open(String diskId, long capacity, int blockSize, java.nio.file.Path stateDirectory,
                                      boolean repair) {
        try {
            ChecksumStore store = ChecksumStore.open(stateDirectory, capacity, blockSize, repair);
            ChecksumStore.Damage damage = store.damage();
            if (!damage.none()) {
                LOG.warn("checksum state file {} of disk {} is damaged:{}{}{}", store.file(), diskId,
                        damage.damaged() > 0 ? " " + damage.damaged() + (damage.damaged() == 1 ? " entry fails" : " entries fail")
                                + " its check (first block " + damage.firstBlock() + ")" : "",
                        damage.lostFrom() >= 0 ? (damage.damaged() > 0 ? "," : "") + " the entries of blocks "
                                + damage.lostFrom() + " and on are lost (truncated or unreadable header)" : "",
                        damage.repaired() ? "; repaired: those blocks take their checksum from their next read (state marked"
                                + " rebuilt)" : "; those blocks are not verified until written again: detach the filter and"
                                + " attach it with repair=true to rebuild their checksums from the disk's data");
            }
            if (damage.migrated()) {
                LOG.info("checksum state file of disk {} converted from {} to {}", diskId, ChecksumStore.V1_FILE_NAME,
                        store.file());
            }
            if (!store.wasClean()) {
                LOG.warn("checksum state file {} of disk {} was not closed cleanly: blocks written after the last flush"
                        + " before the stop may fail verification", store.file(), diskId);
            }
            return new ChecksumFilter(diskId, blockSize, store);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** Blocks whose CRC was checked on read. */
    public long verified() {
        return verified.sum();
    }

    /** Reads failed for a CRC mismatch. */
    public long mismatches() {
        return mismatches.sum();
    }

    @Override
    public void submit(IoRequest request, IoChain next) throws IoException {
        switch (request.op()) {
            case READ -> read(request, next);
            case WRITE -> write(request, next);
            case TRIM -> trim(request, next);
            case FLUSH -> {
                next.proceed(request);
                store.force();
            }
        }
    }

    private long firstBlock(IoRequest request) throws InvalidIoException {
        long offset = request.offset();
        long length = request.length();
        if (offset % blockSize != 0 || length % blockSize != 0) {
            throw new InvalidIoException("disk " + diskId + ": checksum filter needs whole blocks of " + blockSize
                    + " bytes; " + request.op() + " at offset " + offset + " length " + length + " is not aligned");
        }
        if (offset / blockSize + length / blockSize > store.blocks()) {
            throw new InvalidIoException("disk " + diskId + ": " + request.op() + " at offset " + offset + " length "
                    + length + " is beyond the disk");
        }
        return offset / blockSize;
    }

    private void write(IoRequest request, IoChain next) throws IoException {
        long first = firstBlock(request);
        long count = request.length() / blockSize;
        ByteBuffer buffer = request.buffer();
        int start = buffer.position();
        locks.lockExclusive(first, count);
        try {
            for (long b = 0; b < count; b++) {
                store.clear(first + b);
            }
            next.proceed(request);
            int position = buffer.position();
            int limit = buffer.limit();
            CRC32C crc = crcs.get();
            try {
                for (long b = 0; b < count; b++) {
                    store.set(first + b, crcOf(crc, buffer, start + (int) b * blockSize));
                }
            } finally {
                buffer.limit(limit).position(position);
            }
        } finally {
            locks.unlockExclusive(first, count);
        }
    }

    private void read(IoRequest request, IoChain next) throws IoException {
        long first = firstBlock(request);
        long count = request.length() / blockSize;
        ByteBuffer buffer = request.buffer();
        int start = buffer.position();
        locks.lockShared(first, count);
        try {
            next.proceed(request);
            int position = buffer.position();
            int limit = buffer.limit();
            CRC32C crc = crcs.get();
            long mismatchBlock = -1;
            long expected = 0;
            long actual = 0;
            long checked = 0;
            try {
                for (long b = 0; b < count && mismatchBlock < 0; b++) {
                    long entry = store.lookup(first + b);
                    if (entry == ChecksumStore.NONE) {
                        continue;
                    }
                    long value = crcOf(crc, buffer, start + (int) b * blockSize);
                    if (entry == ChecksumStore.REBUILD) {
                        store.set(first + b, value);        // repaired: the data read now is what is there
                        continue;
                    }
                    checked++;
                    if (value != entry) {
                        mismatchBlock = first + b;
                        expected = entry;
                        actual = value;
                    }
                }
            } finally {
                buffer.limit(limit).position(position);
            }
            verified.add(checked);
            if (mismatchBlock >= 0) {
                mismatches.increment();
                throw new DataIntegrityException(String.format("disk %s: checksum mismatch in block %d (offset %d): "
                        + "expected crc32c %08x, read %08x", diskId, mismatchBlock, mismatchBlock * blockSize, expected, actual));
            }
        } finally {
            locks.unlockShared(first, count);
        }
    }

    private void trim(IoRequest request, IoChain next) throws IoException {
        long first = firstBlock(request);
        long count = request.length() / blockSize;
        locks.lockExclusive(first, count);
        try {
            next.proceed(request);
            for (long b = 0; b < count; b++) {
                store.clear(first + b);
            }
        } finally {
            locks.unlockExclusive(first, count);
        }
    }

    /** CRC32C of the block at {@code from} in {@code buffer}; moves position and limit (the caller restores them). */
    private long crcOf(CRC32C crc, ByteBuffer buffer, int from) {
        crc.reset();
        buffer.limit(from + blockSize).position(from);
        crc.update(buffer);
        return crc.getValue();
    }

    @Override
    public void close() {
        try {
            store.close();
        } catch (IOException e) {
            LOG.warn("checksum state file {} of disk {} could not be closed cleanly", store.file(), diskId, e);
        }
    }
}
