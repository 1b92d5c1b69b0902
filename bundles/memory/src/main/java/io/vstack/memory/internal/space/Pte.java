package io.vstack.memory.internal.space;

/**
 * The page-table entry format (one {@code long}, as on x86-64, with the software fields where
 * x86 leaves bits to the OS).
 * <pre>
 * present table   (levels 4..2): P | slot &lt;&lt; 12
 * present page    (level 1):     P | R? | W? | PIN? | slot &lt;&lt; 12 | vad &lt;&lt; 40
 * mapping tag     (any level):   TAG | vad &lt;&lt; 40       (a non-present entry covering its whole span)
 * reclaimed page  (level 1):     SWAP | swap slot &lt;&lt; 12 | vad &lt;&lt; 40
 * empty:                         0
 * </pre>
 * A slot is a frame of the space's {@link FramePool}; vad an index of its {@link VadTable}.
 */
final class Pte {

    static final long PRESENT = 1L;
    static final long READ = 1L << 1;
    static final long WRITE = 1L << 2;
    static final long PINNED = 1L << 9;
    static final long TAG = 1L << 10;
    static final long SWAP = 1L << 11;
    static final int SLOT_SHIFT = 12;
    static final long SLOT_MASK = (1L << 28) - 1;
    static final int VAD_SHIFT = 40;
    static final int MAX_VADS = 1 << 24;
    static final long MAX_SLOTS = SLOT_MASK + 1;

    private Pte() {
    }

    static boolean present(long e) {
        return (e & PRESENT) != 0;
    }

    static boolean isTag(long e) {
        return (e & TAG) != 0;
    }

    static boolean isSwapped(long e) {
        return (e & SWAP) != 0;
    }

    static int slot(long e) {
        return (int) ((e >>> SLOT_SHIFT) & SLOT_MASK);
    }

    static int vad(long e) {
        return (int) (e >>> VAD_SHIFT);
    }

    static long table(int slot) {
        return PRESENT | (long) slot << SLOT_SHIFT;
    }

    static long tag(int vad) {
        return TAG | (long) vad << VAD_SHIFT;
    }

    static long swapped(int vad, long swapSlot) {
        return SWAP | swapSlot << SLOT_SHIFT | (long) vad << VAD_SHIFT;
    }

    static long page(int slot, int vad, io.vstack.api.memory.Protection protection) {
        return PRESENT | bits(protection) | (long) slot << SLOT_SHIFT | (long) vad << VAD_SHIFT;
    }

    /** The access bits a page of {@code protection} carries. */
    static long bits(io.vstack.api.memory.Protection protection) {
        return switch (protection) {
            case NONE -> 0;
            case READ -> READ;
            case READ_WRITE -> READ | WRITE;
        };
    }
}
