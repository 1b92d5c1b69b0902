package io.vstack.workload.internal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The layout of a verifiable block: a 32-byte header (magic {@code VSTKWLD1}, long byte offset,
 * int generation, int block size, int CRC32C of the whole block with this field zero, 4 bytes
 * zero), then 8-byte words of a pattern derived from offset, generation and position.
 * All methods use absolute access and leave the buffer's position and limit as they found them;
 * none allocates.
 */
final class VerifyBlocks {

    static final long MAGIC = 0x5653544B574C4431L;     // "VSTKWLD1"
    static final int HEADER = 32;
    private static final int CRC_AT = 24;

    private VerifyBlocks() {
    }

    /** What a check found. */
    enum Verdict {
        /** A header of this offset and the expected generation, and the CRC matches. */
        OK,
        /** Every byte zero: never written. */
        ZEROS,
        /** No header: bytes not written by a verifying workload. */
        FOREIGN,
        /** A header, but the CRC does not match the bytes. */
        BAD_CRC,
        /** A consistent block, but of another offset. */
        WRONG_OFFSET,
        /** A consistent block of this offset, but of another generation. */
        WRONG_GENERATION
    }

    /** Fills {@code buffer[0, blockSize)} with the block for ({@code offset}, {@code generation}). */
    static void fill(ByteBuffer buffer, int blockSize, long offset, int generation, CRC32C crc) {
        buffer.putLong(0, MAGIC);
        buffer.putLong(8, offset);
        buffer.putInt(16, generation);
        buffer.putInt(20, blockSize);
        buffer.putLong(CRC_AT, 0);
        long seed = offset * 0x9E3779B97F4A7C15L ^ (generation + 1L) * 0xC2B2AE3D27D4EB4FL;
        for (int i = HEADER; i + 8 <= blockSize; i += 8) {
            buffer.putLong(i, mix(seed + i));
        }
        buffer.putInt(CRC_AT, crcOf(buffer, blockSize, crc));
    }

    /**
     * Checks the block in {@code buffer[0, blockSize)}.
     *
     * @param expectedGeneration the generation this run wrote, or 0 to accept any self-consistent block
     */
    static Verdict check(ByteBuffer buffer, int blockSize, long offset, int expectedGeneration, CRC32C crc) {
        if (buffer.getLong(0) != MAGIC) {
            for (int i = 0; i + 8 <= blockSize; i += 8) {
                if (buffer.getLong(i) != 0) {
                    return Verdict.FOREIGN;
                }
            }
            return Verdict.ZEROS;
        }
        int stored = buffer.getInt(CRC_AT);
        buffer.putInt(CRC_AT, 0);
        int actual = crcOf(buffer, blockSize, crc);
        buffer.putInt(CRC_AT, stored);
        if (actual != stored || buffer.getInt(20) != blockSize) {
            return Verdict.BAD_CRC;
        }
        if (buffer.getLong(8) != offset) {
            return Verdict.WRONG_OFFSET;
        }
        if (expectedGeneration != 0 && buffer.getInt(16) != expectedGeneration) {
            return Verdict.WRONG_GENERATION;
        }
        return Verdict.OK;
    }

    /** The generation in a block's header. */
    static int generation(ByteBuffer buffer) {
        return buffer.getInt(16);
    }

    /** The offset in a block's header. */
    static long offset(ByteBuffer buffer) {
        return buffer.getLong(8);
    }

    private static int crcOf(ByteBuffer buffer, int blockSize, CRC32C crc) {
        int position = buffer.position();
        int limit = buffer.limit();
        crc.reset();
        buffer.limit(blockSize).position(0);
        crc.update(buffer);
        buffer.limit(limit).position(position);
        return (int) crc.getValue();
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
