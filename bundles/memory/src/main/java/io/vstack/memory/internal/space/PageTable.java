package io.vstack.memory.internal.space;

import io.vstack.api.hw.OutOfFramesException;
import io.vstack.api.memory.Access;
import io.vstack.api.memory.AddressSpaceException;
import io.vstack.api.memory.OverlappingMappingException;
import io.vstack.api.memory.PinnedPageException;
import io.vstack.api.memory.Protection;
import io.vstack.api.memory.ProtectionViolationException;
import io.vstack.api.memory.UnmappedAddressException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * A 4-level radix page table of 512-entry tables, each table a host frame of the space's
 * {@link FramePool}, in the {@link Pte} format. A mapping is a {@linkplain Pte#tag tag} in the
 * coarsest non-present entries that cover it; a fault walks at most four levels, meets either the
 * page's entry or a tag covering it, pushes the tag down to a leaf (one new table per level, filled
 * with the tag) and installs the page. No tree of mappings is searched anywhere.
 * <p>Range operations visit O(number of entries covering the range) entries, not O(pages), and
 * give back a table when its last non-empty entry goes. Not thread-safe: {@link PagedSpace}
 * serializes changes and lets readers {@link #leaf walk} in parallel under its read lock.
 */
final class PageTable {

    static final int LEVELS = 4;
    private static final int ENTRIES = 512;

    private final String space;
    private final FramePool pool;
    private final VadTable vads = new VadTable();
    private final SwapFile swap;
    private final int root;
    /** Non-empty entries per table, by slot. */
    private int[] live = new int[64];
    /** Pin counts of pinned pages, by page address. */
    private final Map<Long, Integer> pins = new HashMap<>();
    private long tablePages;
    private long resident;
    long demandFaults;
    long swapInFaults;
    long reclaimedPages;

    PageTable(String space, FramePool pool, SwapFile swap) throws OutOfFramesException {
        this.space = space;
        this.pool = pool;
        this.swap = swap;
        this.root = newTable(0);
    }

    static int index(long va, int level) {
        return (int) (va >>> (3 + 9 * level)) & (ENTRIES - 1);
    }

    static long span(int level) {
        return 1L << (3 + 9 * level);
    }

    private long get(int t, int i) {
        return pool.memory(t).getLong(pool.offset(t) + (i << 3));
    }

    private void set(int t, int i, long e) {
        pool.memory(t).putLong(pool.offset(t) + (i << 3), e);
    }

    private int newTable(long fill) throws OutOfFramesException {
        int slot = pool.take();
        if (slot >= live.length) {
            live = java.util.Arrays.copyOf(live, Math.max(slot + 1, live.length * 2));
        }
        if (fill != 0) {
            ByteBuffer m = pool.memory(slot);
            int off = pool.offset(slot);
            for (int i = 0; i < ENTRIES; i++) {
                m.putLong(off + (i << 3), fill);
            }
            live[slot] = ENTRIES;
        } else {
            live[slot] = 0;
        }
        tablePages++;
        return slot;
    }

    private void freeTable(int slot) {
        pool.give(slot);
        tablePages--;
    }

    /** The level-1 entry of {@code va}, or 0 if a level above has no table (readers; no change). */
    long leaf(long va) {
        int t = root;
        for (int level = LEVELS; level > 1; level--) {
            long e = get(t, index(va, level));
            if (!Pte.present(e)) {
                return 0;
            }
            t = Pte.slot(e);
        }
        return get(t, index(va, 1));
    }

    /** The slot of the level-1 table holding {@code va}'s entry, or -1. */
    private int leafTable(long va) {
        int t = root;
        for (int level = LEVELS; level > 1; level--) {
            long e = get(t, index(va, level));
            if (!Pte.present(e)) {
                return -1;
            }
            t = Pte.slot(e);
        }
        return t;
    }

    // ---- faults ----

    /** Makes {@code va}'s page resident for {@code access}; returns its present entry. */
    long fault(long va, Access access) throws AddressSpaceException {
        int t = root;
        int level = LEVELS;
        while (level > 1) {
            int i = index(va, level);
            long e = get(t, i);
            if (Pte.present(e)) {
                t = Pte.slot(e);
                level--;
                continue;
            }
            if (e == 0) {
                throw unmapped(va);
            }
            // A tag covering this entry's whole span: the mapping is found; push it down to a leaf.
            checkAccess(va, Pte.vad(e), access);
            while (level > 1) {
                int nt;
                try {
                    nt = newTable(e);
                } catch (OutOfFramesException x) { // what was pushed down so far stays valid
                    throw new AddressSpaceException("address space " + space + " gets no frame for a page table: "
                            + x.getMessage(), x);
                }
                set(t, i, Pte.table(nt));
                t = nt;
                level--;
                i = index(va, level);
            }
        }
        int i = index(va, 1);
        long e = get(t, i);
        if (e == 0) {
            throw unmapped(va);
        }
        int v = Pte.vad(e);
        Protection p = checkAccess(va, v, access);
        if (Pte.present(e)) {
            return e;
        }
        int slot = takeFrame(va);
        if (Pte.isSwapped(e)) {
            long swapSlot = Pte.slot(e);
            try {
                swap.read(swapSlot, pool.memory(slot), pool.offset(slot));
            } catch (IOException x) {
                pool.give(slot);
                throw new AddressSpaceException("address space " + space + " cannot read page " + hex(va)
                        + " back from its swap file: " + x.getMessage(), x);
            }
            swap.free(swapSlot);
            swapInFaults++;
        } else {
            demandFaults++;
        }
        long ne = Pte.page(slot, v, p) | (e & Pte.PINNED);
        set(t, i, ne);
        resident++;
        return ne;
    }

    private Protection checkAccess(long va, int v, Access access) throws ProtectionViolationException {
        Protection p = vads.protection(v);
        if (!p.allows(access)) {
            throw new ProtectionViolationException("protection fault in address space " + space + ": "
                    + access.name().toLowerCase(java.util.Locale.ROOT) + " at " + hex(va) + " where the mapping allows "
                    + p.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        }
        return p;
    }

    private int takeFrame(long va) throws AddressSpaceException {
        try {
            return pool.take();
        } catch (OutOfFramesException x) {
            throw new AddressSpaceException("address space " + space + " gets no frame for page " + hex(va) + ": "
                    + x.getMessage(), x);
        }
    }

    private UnmappedAddressException unmapped(long va) {
        return new UnmappedAddressException("segmentation fault in address space " + space + ": nothing is mapped at "
                + hex(va));
    }

    static String hex(long va) {
        return "0x" + Long.toHexString(va);
    }

    // ---- mappings ----

    /** Maps [lo, hi) with {@code p}: all or nothing. */
    void map(long lo, long hi, Protection p) throws AddressSpaceException {
        checkFree(root, LEVELS, 0, lo, hi);
        int v = vads.add(p);
        if (v < 0) {
            throw new AddressSpaceException("address space " + space + " has " + Pte.MAX_VADS + " mappings, the most it can hold");
        }
        try {
            tag(root, LEVELS, 0, lo, hi, v);
        } catch (OutOfFramesException x) {
            clear(root, LEVELS, 0, lo, hi); // the range was free: clearing it restores it
            throw new AddressSpaceException("address space " + space + " gets no frame for a page table: " + x.getMessage(), x);
        } finally {
            vads.dropIfEmpty(v);
        }
    }

    private void checkFree(int t, int level, long base, long lo, long hi) throws OverlappingMappingException {
        long span = span(level);
        for (int i = index(lo, level), last = index(hi - 1, level); i <= last; i++) {
            long eStart = base + i * span;
            long e = get(t, i);
            if (e == 0) {
                continue;
            }
            if (level > 1 && Pte.present(e)) {
                checkFree(Pte.slot(e), level - 1, eStart, Math.max(lo, eStart), Math.min(hi, eStart + span));
            } else {
                throw new OverlappingMappingException("address space " + space + " has a mapping at "
                        + hex(Math.max(lo, eStart)) + " already: a new mapping may not overlap it");
            }
        }
    }

    private void tag(int t, int level, long base, long lo, long hi, int v) throws OutOfFramesException {
        long span = span(level);
        for (int i = index(lo, level), last = index(hi - 1, level); i <= last; i++) {
            long eStart = base + i * span;
            long cLo = Math.max(lo, eStart);
            long cHi = Math.min(hi, eStart + span);
            long e = get(t, i);
            if (cLo == eStart && cHi == eStart + span && e == 0) {
                set(t, i, Pte.tag(v));
                live[t]++;
                vads.addPages(v, span / PagedSpace.PAGE);
                continue;
            }
            int child;
            if (e == 0) {
                child = newTable(0);
                set(t, i, Pte.table(child));
                live[t]++;
            } else {
                child = Pte.slot(e); // a present table (the range is free, so never a tag)
            }
            tag(child, level - 1, eStart, cLo, cHi, v);
        }
    }

    /** Makes sure no tag straddles {@code x}: a tag whose span holds x inside is pushed down to where x is a boundary. */
    private void splitAt(long x) throws OutOfFramesException {
        int t = root;
        for (int level = LEVELS; level > 1; level--) {
            int i = index(x, level);
            long e = get(t, i);
            if (Pte.present(e)) {
                t = Pte.slot(e);
            } else if (e != 0 && (x & (span(level) - 1)) != 0) {
                int nt = newTable(e);
                set(t, i, Pte.table(nt));
                t = nt;
            } else {
                return;
            }
        }
    }

    private void splitEdges(long lo, long hi) throws AddressSpaceException {
        try {
            splitAt(lo);
            splitAt(hi);
        } catch (OutOfFramesException x) {
            // splitting changes no translation: what was split stays valid
            throw new AddressSpaceException("address space " + space + " gets no frame for a page table: " + x.getMessage(), x);
        }
    }

    /** Unmaps [lo, hi): all or nothing (pinned pages refuse it). */
    void unmap(long lo, long hi) throws AddressSpaceException {
        checkUnpinned(root, LEVELS, 0, lo, hi);
        splitEdges(lo, hi);
        clear(root, LEVELS, 0, lo, hi);
    }

    private void checkUnpinned(int t, int level, long base, long lo, long hi) throws PinnedPageException {
        long span = span(level);
        for (int i = index(lo, level), last = index(hi - 1, level); i <= last; i++) {
            long eStart = base + i * span;
            long e = get(t, i);
            if (!Pte.present(e)) {
                continue;
            }
            if (level > 1) {
                checkUnpinned(Pte.slot(e), level - 1, eStart, Math.max(lo, eStart), Math.min(hi, eStart + span));
            } else if ((e & Pte.PINNED) != 0) {
                throw new PinnedPageException("address space " + space + ": page " + hex(eStart)
                        + " is pinned; unpin it before unmapping it");
            }
        }
    }

    /** Clears every entry of [lo, hi); tags straddling lo or hi must have been split. */
    private void clear(int t, int level, long base, long lo, long hi) {
        long span = span(level);
        for (int i = index(lo, level), last = index(hi - 1, level); i <= last; i++) {
            long eStart = base + i * span;
            long e = get(t, i);
            if (e == 0) {
                continue;
            }
            if (level > 1 && Pte.present(e)) {
                int child = Pte.slot(e);
                clear(child, level - 1, eStart, Math.max(lo, eStart), Math.min(hi, eStart + span));
                if (live[child] == 0) {
                    freeTable(child);
                    set(t, i, 0);
                    live[t]--;
                }
                continue;
            }
            long pages = span / PagedSpace.PAGE;
            if (Pte.present(e)) {
                pool.give(Pte.slot(e));
                resident--;
            } else if (Pte.isSwapped(e)) {
                swap.free(Pte.slot(e));
            }
            vads.removePages(Pte.vad(e), pages);
            set(t, i, 0);
            live[t]--;
        }
    }

    /** Changes the protection of [lo, hi): every page must be mapped. */
    void protect(long lo, long hi, Protection p) throws AddressSpaceException {
        checkMapped(root, LEVELS, 0, lo, hi);
        splitEdges(lo, hi);
        retag(root, LEVELS, 0, lo, hi, p, new HashMap<>());
    }

    private void checkMapped(int t, int level, long base, long lo, long hi) throws UnmappedAddressException {
        long span = span(level);
        for (int i = index(lo, level), last = index(hi - 1, level); i <= last; i++) {
            long eStart = base + i * span;
            long e = get(t, i);
            if (e == 0) {
                throw new UnmappedAddressException("address space " + space + ": nothing is mapped at "
                        + hex(Math.max(lo, eStart)));
            }
            if (level > 1 && Pte.present(e)) {
                checkMapped(Pte.slot(e), level - 1, eStart, Math.max(lo, eStart), Math.min(hi, eStart + span));
            }
        }
    }

    private void retag(int t, int level, long base, long lo, long hi, Protection p, Map<Integer, Integer> moved)
            throws AddressSpaceException {
        long span = span(level);
        for (int i = index(lo, level), last = index(hi - 1, level); i <= last; i++) {
            long eStart = base + i * span;
            long e = get(t, i);
            if (level > 1 && Pte.present(e)) {
                retag(Pte.slot(e), level - 1, eStart, Math.max(lo, eStart), Math.min(hi, eStart + span), p, moved);
                continue;
            }
            int v = Pte.vad(e);
            if (vads.protection(v) == p) {
                continue;
            }
            Integer nv = moved.get(v);
            if (nv == null) {
                nv = vads.add(p);
                if (nv < 0) {
                    throw new AddressSpaceException("address space " + space + " has " + Pte.MAX_VADS
                            + " mappings, the most it can hold");
                }
                moved.put(v, nv);
            }
            long pages = span / PagedSpace.PAGE;
            vads.addPages(nv, pages);
            vads.removePages(v, pages);
            long ne;
            if (Pte.present(e)) {
                ne = Pte.page(Pte.slot(e), nv, p) | (e & Pte.PINNED);
            } else if (Pte.isSwapped(e)) {
                ne = Pte.swapped(nv, Pte.slot(e));
            } else {
                ne = Pte.tag(nv);
            }
            set(t, i, ne);
        }
    }

    // ---- residency ----

    /** Reclaims the resident unpinned pages of [lo, hi) to the swap file; returns how many. */
    long reclaim(long lo, long hi) throws AddressSpaceException {
        long before = reclaimedPages;
        reclaim(root, LEVELS, 0, lo, hi);
        return reclaimedPages - before;
    }

    private void reclaim(int t, int level, long base, long lo, long hi) throws AddressSpaceException {
        long span = span(level);
        for (int i = index(lo, level), last = index(hi - 1, level); i <= last; i++) {
            long eStart = base + i * span;
            long e = get(t, i);
            if (!Pte.present(e)) {
                continue;
            }
            if (level > 1) {
                reclaim(Pte.slot(e), level - 1, eStart, Math.max(lo, eStart), Math.min(hi, eStart + span));
                continue;
            }
            if ((e & Pte.PINNED) != 0) {
                continue;
            }
            int slot = Pte.slot(e);
            long swapSlot;
            try {
                swapSlot = swap.write(pool.memory(slot), pool.offset(slot));
            } catch (IOException x) {
                throw new AddressSpaceException("address space " + space + " cannot write page " + hex(eStart)
                        + " to its swap file (the page stays resident): " + x.getMessage(), x);
            }
            set(t, i, Pte.swapped(Pte.vad(e), swapSlot));
            pool.give(slot);
            resident--;
            reclaimedPages++;
        }
    }

    /**
     * Drops the page at {@code va} if it is resident and unpinned, bytes and all: its frame goes back
     * to the pool and its entry back to the mapping's tag, so the next touch is a demand fault for a
     * zero page (what {@code madvise(MADV_DONTNEED)} does to anonymous memory).
     *
     * @return whether a page was dropped
     */
    boolean discard(long va) {
        int t = leafTable(va);
        if (t < 0) {
            return false;
        }
        int i = index(va, 1);
        long e = get(t, i);
        if (!Pte.present(e) || (e & Pte.PINNED) != 0) {
            return false;
        }
        set(t, i, Pte.tag(Pte.vad(e)));
        pool.give(Pte.slot(e));
        resident--;
        return true;
    }

    /** Faults in and pins the page at {@code va}; returns its host frame number. */
    long pin(long va) throws AddressSpaceException {
        long e = fault(va, Access.READ);
        int t = leafTable(va);
        set(t, index(va, 1), e | Pte.PINNED);
        pins.merge(va, 1, Integer::sum);
        return pool.pfn(Pte.slot(e));
    }

    /** Whether the page at {@code va} is pinned. */
    boolean pinned(long va) {
        return pins.containsKey(va);
    }

    /** Releases one pin of the page at {@code va} (which must be pinned). */
    void unpin(long va) {
        int n = pins.merge(va, -1, Integer::sum);
        if (n == 0) {
            pins.remove(va);
            int t = leafTable(va);
            int i = index(va, 1);
            set(t, i, get(t, i) & ~Pte.PINNED);
        }
    }

    // ---- figures ----

    long tablePages() {
        return tablePages;
    }

    long residentPages() {
        return resident;
    }

    long swappedPages() {
        return swap.used();
    }

    long pinnedPages() {
        return pins.size();
    }

    int mappings() {
        return vads.live();
    }

    long mappedPages() {
        return vads.mappedPages();
    }

    /** The frame of a present entry: its buffer. */
    ByteBuffer memory(long presentEntry) {
        return pool.memory(Pte.slot(presentEntry));
    }

    /** The frame of a present entry: where its bytes start in {@link #memory}. */
    int offset(long presentEntry) {
        return pool.offset(Pte.slot(presentEntry));
    }
}
