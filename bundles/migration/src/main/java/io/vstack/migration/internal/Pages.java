package io.vstack.migration.internal;

import io.vstack.api.vm.GuestMemory;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Page checks shared by both sides: zero detection, per-page CRC32C, the digest of all pages. */
final class Pages {

    static final int SIZE = 4096;
    private static final ByteBuffer ZERO = ByteBuffer.allocateDirect(SIZE).asReadOnlyBuffer();
    static final int ZERO_CRC = crc(new CRC32C(), ZERO.duplicate());

    private Pages() {
    }

    /** Whether the page (position 0, 4096 bytes) is all zero. */
    static boolean isZero(ByteBuffer page) {
        // mismatch reads both buffers without moving them: the shared ZERO needs no duplicate.
        return page.mismatch(ZERO) == -1;
    }

    /** Zeroes a writable page view (position 0). */
    static void zero(ByteBuffer page) {
        page.put(0, ZERO, 0, SIZE);
    }

    static int crc(CRC32C crc, ByteBuffer bytes) {
        crc.reset();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    /** Per-page CRC32C of every page read from memory. */
    static int[] crcs(GuestMemory memory) {
        CRC32C crc = new CRC32C();
        int[] crcs = new int[(int) memory.pages()];
        for (int pfn = 0; pfn < crcs.length; pfn++) {
            crcs[pfn] = crc(crc, memory.page(pfn));
        }
        return crcs;
    }

    /** The digest of all pages: FNV-1a (64-bit) over the per-page CRCs in page order, then a final mix. */
    static long digest(int[] crcs) {
        long h = 0xcbf29ce484222325L;
        for (int c : crcs) {
            h ^= c & 0xffffffffL;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        return h ^ (h >>> 33);
    }
}
