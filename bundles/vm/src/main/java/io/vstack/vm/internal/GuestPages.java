package io.vstack.vm.internal;

import java.nio.ByteBuffer;

/**
 * Where a {@link GuestRam}'s pages live: host frames taken up front ({@link FramePages}) or a
 * demand-paged address space of the memory bundle ({@link SpacePages}). Page numbers are checked
 * by the caller. Thread-safe.
 */
interface GuestPages {

    /** Number of pages. */
    long count();

    /** A writable view of page {@code pfn}, position 0, limit one page. */
    ByteBuffer page(int pfn);

    /** A read-only view of page {@code pfn}. */
    ByteBuffer readOnlyPage(int pfn);

    /** Stores {@code value} in every 8-byte word of [{@code offset}, {@code offset + length}) of page {@code pfn}. */
    void fill(int pfn, int offset, int length, long value);

    /** Loads the 8 bytes at {@code offset} of page {@code pfn}. */
    long load(int pfn, int offset);

    /** Gives the memory back. Called once. */
    void release();
}
