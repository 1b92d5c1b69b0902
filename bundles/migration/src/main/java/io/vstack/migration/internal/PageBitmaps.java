package io.vstack.migration.internal;

/** Bitmaps of pages (bit {@code pfn & 63} of word {@code pfn >>> 6}): the pending set, the pages a destination lacks. */
final class PageBitmaps {

    private PageBitmaps() {
    }

    /** A bitmap with every one of {@code pages} pages set (and no bit past the last). */
    static long[] all(int pages) {
        long[] bitmap = new long[(pages + 63) / 64];
        java.util.Arrays.fill(bitmap, -1L);
        if (pages % 64 != 0) {
            bitmap[bitmap.length - 1] = (1L << (pages % 64)) - 1;
        }
        return bitmap;
    }

    /** Pages set. */
    static long count(long[] bitmap) {
        long n = 0;
        for (long w : bitmap) {
            n += Long.bitCount(w);
        }
        return n;
    }

    /** The first page set at or after {@code from}, or -1. */
    static int nextSet(long[] bitmap, int from) {
        int w = from >>> 6;
        if (w >= bitmap.length) {
            return -1;
        }
        long bits = bitmap[w] & (-1L << (from & 63));
        while (true) {
            if (bits != 0) {
                return (w << 6) + Long.numberOfTrailingZeros(bits);
            }
            if (++w == bitmap.length) {
                return -1;
            }
            bits = bitmap[w];
        }
    }
}
