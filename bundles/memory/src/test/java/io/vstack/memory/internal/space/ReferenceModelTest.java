package io.vstack.memory.internal.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.vstack.api.memory.Access;
import io.vstack.api.memory.AddressSpaceException;
import io.vstack.api.memory.AddressSpaceInfo;
import io.vstack.api.memory.OverlappingMappingException;
import io.vstack.api.memory.PinnedPageException;
import io.vstack.api.memory.Protection;
import io.vstack.api.memory.ProtectionViolationException;
import io.vstack.api.memory.UnmappedAddressException;
import io.vstack.api.testing.FakeMemory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10^6 random map / unmap / protect / load / store / reclaim / pin operations on a
 * {@link PagedSpace}, each checked against a plain reference model (a TreeMap of intervals, a map
 * of stored words): the same outcome (value or named error) for every operation, and the same
 * resident, swapped and mapped figures throughout. Ranges run from one page to 1 GiB, so tags sit
 * at every level and get split.
 */
class ReferenceModelTest {

    private static final long PAGE = 4096;
    private static final long GIB = 1L << 30;
    /** Operations run (the figure). */
    private static final int OPERATIONS = 1_000_000;
    /** All activity is in [BASE, BASE + WINDOW), which straddles a 512 GiB boundary. */
    private static final long BASE = (1L << 39) - 2 * GIB;
    private static final long WINDOW = 4 * GIB;
    private static final int RESIDENT_LIMIT = 6000;

    /** The reference: mapped intervals [start, end) with their protection. */
    private final TreeMap<Long, long[]> intervals = new TreeMap<>(); // start -> {end, protection ordinal}
    private final TreeMap<Long, Long> words = new TreeMap<>();      // word address -> value (absent: 0)
    private final TreeSet<Long> resident = new TreeSet<>();
    private final TreeSet<Long> swapped = new TreeSet<>();
    private final Map<Long, Integer> pins = new HashMap<>();

    @Test
    void matchesReferenceModelOverAMillionOperations(@TempDir Path dir) throws Exception {
        FakeMemory memory = new FakeMemory("h", 32768);
        PagedSpace space = PagedSpace.create("model", "h", memory, dir.resolve("swap"));
        SplittableRandom random = new SplittableRandom(20_260_522L);
        int[] outcomes = new int[8];
        for (int op = 0; op < OPERATIONS; op++) {
            int kind = random.nextInt(100);
            if (kind < 14) {
                long[] r = range(random);
                Protection p = Protection.values()[random.nextInt(3)];
                boolean overlaps = overlaps(r[0], r[1]);
                outcomes[expect(op, "map", overlaps ? OverlappingMappingException.class : null,
                        () -> space.map(r[0], r[1] - r[0], p))]++;
                if (!overlaps) {
                    intervals.put(r[0], new long[] {r[1], p.ordinal()});
                }
            } else if (kind < 24) {
                long[] r = random.nextInt(3) == 0 ? range(random) : existing(random);
                boolean pinned = pins.keySet().stream().anyMatch(a -> a >= r[0] && a < r[1]);
                outcomes[expect(op, "unmap", pinned ? PinnedPageException.class : null,
                        () -> space.unmap(r[0], r[1] - r[0]))]++;
                if (!pinned) {
                    cut(r[0], r[1]);
                    words.subMap(r[0], r[1]).clear();
                    resident.subSet(r[0], r[1]).clear();
                    swapped.subSet(r[0], r[1]).clear();
                }
            } else if (kind < 30) {
                long[] r = random.nextInt(3) == 0 ? range(random) : existing(random);
                Protection p = Protection.values()[random.nextInt(3)];
                boolean covered = covered(r[0], r[1]);
                outcomes[expect(op, "protect", covered ? null : UnmappedAddressException.class,
                        () -> space.protect(r[0], r[1] - r[0], p))]++;
                if (covered) {
                    cut(r[0], r[1]);
                    intervals.put(r[0], new long[] {r[1], p.ordinal()});
                }
            } else if (kind < 96) {
                long address = access(random);
                long page = address & -PAGE;
                Protection p = protectionAt(page);
                boolean write = random.nextBoolean();
                Access access = write ? Access.WRITE : Access.READ;
                Class<? extends Exception> expected = p == null ? UnmappedAddressException.class
                        : p.allows(access) ? null : ProtectionViolationException.class;
                if (write) {
                    long value = random.nextLong();
                    outcomes[expect(op, "store", expected, () -> space.store(address, value))]++;
                    if (expected == null) {
                        words.put(address, value);
                    }
                } else {
                    long[] got = new long[1];
                    outcomes[expect(op, "load", expected, () -> got[0] = space.load(address))]++;
                    if (expected == null) {
                        assertEquals(words.getOrDefault(address, 0L), got[0], "op " + op + ": load at " + Long.toHexString(address));
                    }
                }
                if (expected == null) {
                    resident.add(page);
                    swapped.remove(page);
                }
            } else if (kind < 98) {
                pinOrUnpin(space, random, op);
            } else {
                long[] r = random.nextInt(4) == 0 ? new long[] {BASE, BASE + WINDOW} : existing(random);
                long expected = resident.subSet(r[0], r[1]).stream().filter(a -> !pins.containsKey(a)).count();
                assertEquals(expected, space.reclaim(r[0], r[1] - r[0]), "op " + op + ": pages reclaimed");
                for (Long a : resident.subSet(r[0], r[1]).toArray(Long[]::new)) {
                    if (!pins.containsKey(a)) {
                        resident.remove(a);
                        swapped.add(a);
                    }
                }
            }
            if (resident.size() > RESIDENT_LIMIT) {
                space.reclaim(BASE, WINDOW);
                for (Long a : resident.toArray(Long[]::new)) {
                    if (!pins.containsKey(a)) {
                        resident.remove(a);
                        swapped.add(a);
                    }
                }
            }
            if (op % 10_000 == 0) {
                checkFigures(space, op);
            }
        }
        checkFigures(space, OPERATIONS);
        for (Long a : pins.keySet().toArray(Long[]::new)) {
            space.unpin(a, PAGE);
        }
        space.unmap(BASE, WINDOW);
        AddressSpaceInfo empty = space.info();
        assertEquals(new AddressSpaceInfo("model", "h", 0, 0, 0, 0, 0, 1), empty, "everything unmapped: only the top-level table");
        assertEquals(true, outcomes[0] > 100_000 && outcomes[1] > 10_000 && outcomes[2] > 10_000 && outcomes[3] > 10_000,
                "every outcome is exercised: " + java.util.Arrays.toString(outcomes));
        space.destroy();
        assertEquals(memory.totalFrames(), memory.freeFrames(), "every frame back to the host");
    }

    private void pinOrUnpin(PagedSpace space, SplittableRandom random, int op) throws AddressSpaceException {
        if (!pins.isEmpty() && random.nextBoolean()) {
            long a = pins.keySet().iterator().next();
            space.unpin(a, PAGE);
            pins.merge(a, -1, Integer::sum);
            pins.remove(a, 0);
            return;
        }
        long page = access(random) & -PAGE;
        Protection p = protectionAt(page);
        Class<? extends Exception> expected = p == null ? UnmappedAddressException.class
                : p.allows(Access.READ) ? null : ProtectionViolationException.class;
        expect(op, "pin", expected, () -> space.pin(page, PAGE));
        if (expected == null) {
            pins.merge(page, 1, Integer::sum);
            resident.add(page);
            swapped.remove(page);
        }
    }

    private void checkFigures(PagedSpace space, int op) {
        AddressSpaceInfo info = space.info();
        long mapped = intervals.entrySet().stream().mapToLong(e -> e.getValue()[0] - e.getKey()).sum();
        assertEquals(mapped, info.mappedBytes(), "op " + op + ": mapped bytes");
        assertEquals(resident.size(), info.residentPages(), "op " + op + ": resident pages");
        assertEquals(swapped.size(), info.swappedPages(), "op " + op + ": swapped pages");
        assertEquals(pins.size(), info.pinnedPages(), "op " + op + ": pinned pages");
    }

    /** Runs {@code action}, checks it threw {@code expected} (or nothing); returns an outcome index. */
    private static int expect(int op, String what, Class<? extends Exception> expected, Action action) {
        try {
            action.run();
        } catch (Exception e) {
            if (expected == null || !expected.isInstance(e)) {
                fail("op " + op + ": " + what + " threw " + e + ", expected " + (expected == null ? "success" : expected.getSimpleName()), e);
            }
            return expected == UnmappedAddressException.class ? 1 : expected == ProtectionViolationException.class ? 2
                    : expected == OverlappingMappingException.class ? 3 : 4;
        }
        if (expected != null) {
            fail("op " + op + ": " + what + " succeeded, expected " + expected.getSimpleName());
        }
        return 0;
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    private static long[] range(SplittableRandom random) {
        long pages = switch (random.nextInt(10)) {
            case 0 -> (1 + random.nextInt(2)) * (GIB / PAGE);
            case 1, 2 -> (1 + random.nextInt(8)) * 512L;
            default -> 1 + random.nextInt(64);
        };
        long align = pages >= GIB / PAGE && random.nextBoolean() ? GIB : pages >= 512 && random.nextBoolean() ? 2L << 20 : PAGE;
        long start = BASE + (random.nextLong(WINDOW - pages * PAGE + 1) & -align);
        return new long[] {start, start + pages * PAGE};
    }

    /** A sub-range of an existing interval (or a fresh range if there is none). */
    private long[] existing(SplittableRandom random) {
        Map.Entry<Long, long[]> e = randomInterval(random);
        if (e == null) {
            return range(random);
        }
        long pages = (e.getValue()[0] - e.getKey()) / PAGE;
        long from = random.nextLong(pages);
        long to = from + 1 + random.nextLong(pages - from);
        return new long[] {e.getKey() + from * PAGE, e.getKey() + to * PAGE};
    }

    private Map.Entry<Long, long[]> randomInterval(SplittableRandom random) {
        if (intervals.isEmpty()) {
            return null;
        }
        Map.Entry<Long, long[]> e = intervals.ceilingEntry(BASE + random.nextLong(WINDOW));
        return e != null ? e : intervals.firstEntry();
    }

    /** An 8-byte aligned address: mostly in a mapping, sometimes anywhere in the window. */
    private long access(SplittableRandom random) {
        Map.Entry<Long, long[]> e = random.nextInt(10) < 8 ? randomInterval(random) : null;
        if (e == null) {
            return BASE + (random.nextLong(WINDOW) & -8L);
        }
        long length = Math.min(e.getValue()[0] - e.getKey(), 8 * PAGE); // a few hot pages per mapping
        return e.getKey() + (random.nextLong(length) & -8L);
    }

    private boolean overlaps(long lo, long hi) {
        Map.Entry<Long, long[]> before = intervals.lowerEntry(hi);
        return before != null && before.getValue()[0] > lo;
    }

    private boolean covered(long lo, long hi) {
        long at = lo;
        while (at < hi) {
            Map.Entry<Long, long[]> e = intervals.floorEntry(at);
            if (e == null || e.getValue()[0] <= at) {
                return false;
            }
            at = e.getValue()[0];
        }
        return true;
    }

    private Protection protectionAt(long page) {
        Map.Entry<Long, long[]> e = intervals.floorEntry(page);
        return e == null || e.getValue()[0] <= page ? null : Protection.values()[(int) e.getValue()[1]];
    }

    /** Removes [lo, hi) from the intervals, keeping the parts of intervals outside it. */
    private void cut(long lo, long hi) {
        Map.Entry<Long, long[]> left = intervals.lowerEntry(lo);
        if (left != null && left.getValue()[0] > lo) {
            long[] v = left.getValue();
            intervals.put(left.getKey(), new long[] {lo, v[1]});
            if (v[0] > hi) {
                intervals.put(hi, new long[] {v[0], v[1]});
            }
        }
        NavigableMap<Long, long[]> inside = intervals.subMap(lo, true, hi, false);
        Map.Entry<Long, long[]> last = inside.lastEntry();
        if (last != null && last.getValue()[0] > hi) {
            intervals.put(hi, new long[] {last.getValue()[0], last.getValue()[1]});
        }
        inside.clear();
    }
}
