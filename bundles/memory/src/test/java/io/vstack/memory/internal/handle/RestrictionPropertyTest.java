package io.vstack.memory.internal.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.memory.Grant;
import io.vstack.api.memory.GrantRefusedException;
import io.vstack.api.memory.GrantRefusedException.Reason;
import io.vstack.api.memory.HandleRevokedException;
import io.vstack.api.memory.InvalidRangeException;
import io.vstack.api.memory.MemoryException;
import io.vstack.api.memory.MemoryHandle;
import io.vstack.api.memory.MemoryRegion;
import io.vstack.api.memory.Restrictions;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every restriction violated on purpose, 10^5 seeded cases: a random grant, then one attempt that
 * breaks one of its restrictions. A violation that succeeds (no refusal, or the wrong one, or a
 * changed byte) is counted; the count must be 0.
 */
class RestrictionPropertyTest {

    private static final int CASES = Integer.getInteger("cases", 100_000);
    private static final long SIZE = 4L << 20;
    private static final int PAGE = 4096;

    private enum Violation {
        WRITE_READ_ONLY, OUTSIDE_RANGE, EXPIRED, MAX_MAPS, NO_REGRANT, WIDENING, FORGED, REVOKED, NOT_OWNER
    }

    @TempDir
    Path dir;

    @Test
    void noViolationSucceeds() throws Exception {
        MutableClock clock = new MutableClock();
        SplittableRandom random = new SplittableRandom(22);
        Map<Violation, Integer> tried = new EnumMap<>(Violation.class);
        Map<Violation, Integer> succeeded = new EnumMap<>(Violation.class);
        int successes = 0;
        try (Broker broker = new Broker(dir.resolve("state"), dir.resolve("regions"), 64 << 10, clock, new CopyMeter())) {
            MemoryRegion region = broker.createRegion("owner", SIZE);
            ByteBuffer owner;
            try (FileChannel ch = FileChannel.open(region.file(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                owner = ch.map(FileChannel.MapMode.READ_WRITE, region.dataOffset(), SIZE);
            }
            PagePattern.fill(owner, 0);
            for (int i = 0; i < CASES; i++) {
                Violation v = Violation.values()[random.nextInt(Violation.values().length)];
                tried.merge(v, 1, Integer::sum);
                long pages = SIZE / PAGE;
                long first = random.nextLong(pages);
                long offset = first * PAGE;
                long length = (1 + random.nextLong(pages - first)) * PAGE;
                boolean violated = violate(v, broker, region, owner, clock, random, offset, length);
                if (violated) {
                    successes++;
                    succeeded.merge(v, 1, Integer::sum);
                }
            }
            assertEquals(0, broker.handles().size(), "handles left open");
        }
        assertEquals(Violation.values().length, tried.size());
        assertEquals(0, successes, "violations that succeeded " + succeeded + ", of " + CASES + " (" + tried + ")");
    }

    /** Returns true if the violation succeeded. */
    private static boolean violate(Violation v, Broker broker, MemoryRegion region, ByteBuffer owner, MutableClock clock,
                                   SplittableRandom random, long offset, long length) throws Exception {
        Restrictions r;
        switch (v) {
            case WRITE_READ_ONLY -> r = new Restrictions(true, Optional.empty(), 0, false);
            case EXPIRED -> r = new Restrictions(random.nextBoolean(), Optional.of(clock.instant().plusMillis(
                    1 + random.nextInt(1000))), 0, false);
            case MAX_MAPS -> r = new Restrictions(false, Optional.empty(), 1 + random.nextInt(3), false);
            case NO_REGRANT -> r = new Restrictions(random.nextBoolean(), Optional.empty(), 0, true);
            case WIDENING -> r = new Restrictions(random.nextBoolean(), Optional.of(clock.instant().plusSeconds(3600)),
                    1 + random.nextInt(3), false);
            default -> r = new Restrictions(random.nextBoolean(), Optional.empty(), random.nextInt(3), random.nextBoolean());
        }
        Grant g = broker.grant(region.id(), "owner", "holder", offset, length, r);
        try {
            return attempt(v, broker, region, owner, clock, random, g);
        } finally {
            if (v != Violation.REVOKED) {
                broker.revoke(g.id(), false);
            }
        }
    }

    private static boolean attempt(Violation v, Broker broker, MemoryRegion region, ByteBuffer owner, MutableClock clock,
                                   SplittableRandom random, Grant g) throws Exception {
        switch (v) {
            case WRITE_READ_ONLY: {
                try (MemoryHandle h = broker.map(g.token())) {
                    long at = random.nextLong(g.length() / 8) * 8;
                    ByteBuffer s = h.slice(at, 8);
                    try {
                        s.putLong(0, ~PagePattern.word(g.offset() + at));
                        return true;
                    } catch (ReadOnlyBufferException expected) {
                        return owner.getLong((int) (g.offset() + at)) != PagePattern.word(g.offset() + at);
                    }
                }
            }
            case OUTSIDE_RANGE: {
                try (MemoryHandle h = broker.map(g.token())) {
                    long[] offsets = {g.length(), -1 - random.nextLong(1L << 40), Long.MAX_VALUE - random.nextInt(16),
                        g.length() - random.nextInt(8), Long.MIN_VALUE};
                    long at = offsets[random.nextInt(offsets.length)];
                    int len = at >= 0 && at < g.length() ? 9 + random.nextInt(64)
                            : random.nextBoolean() ? 1 + random.nextInt(64) : -1 - random.nextInt(64);
                    try {
                        h.slice(at, len);
                        return true;
                    } catch (InvalidRangeException expected) {
                        // also: what is mapped never exceeds the grant
                        long mapped = 0;
                        for (int i = 0; i < h.sectionCount(); i++) {
                            mapped += h.section(i).length();
                        }
                        return mapped != g.length();
                    }
                }
            }
            case EXPIRED:
                clock.advance(Duration.ofMillis(1001));
                return refusedWith(Reason.EXPIRED, () -> broker.map(g.token()).close());
            case MAX_MAPS: {
                int max = g.restrictions().maxMaps();
                for (int i = 0; i < max; i++) {
                    broker.map(g.token()).close();
                }
                return refusedWith(Reason.MAX_MAPS, () -> broker.map(g.token()).close());
            }
            case NO_REGRANT:
                return refusedWith(Reason.NO_REGRANT, () -> broker.regrant(g.token(), "other", 0, PAGE,
                        new Restrictions(true, Optional.empty(), 1, true)));
            case WIDENING: {
                Restrictions p = g.restrictions();
                int kind = random.nextInt(p.readOnly() ? 4 : 3);
                if (kind == 3) {
                    return refusedWith(Reason.WIDENING, () -> broker.regrant(g.token(), "o", 0, PAGE,
                            new Restrictions(false, p.expiresAt(), p.maxMaps(), false)));
                } else if (kind == 2) {
                    return refusedWith(Reason.WIDENING, () -> broker.regrant(g.token(), "o", 0, PAGE,
                            new Restrictions(true, Optional.of(p.expiresAt().orElseThrow().plusSeconds(1)), p.maxMaps(), false)));
                } else if (kind == 1) {
                    return refusedWith(Reason.WIDENING, () -> broker.regrant(g.token(), "o", 0, PAGE,
                            new Restrictions(true, p.expiresAt(), random.nextBoolean() ? 0 : p.maxMaps() + 1, false)));
                }
                try {
                    broker.regrant(g.token(), "o", random.nextBoolean() ? g.length() : 0, g.length() + PAGE,
                            new Restrictions(true, p.expiresAt(), p.maxMaps(), false));
                    return true;
                } catch (InvalidRangeException expected) {
                    return false;
                }
            }
            case FORGED: {
                String t = g.token();
                String forged;
                int kind = random.nextInt(3);
                if (kind == 0) {
                    int at = 5 + random.nextInt(t.length() - 5);
                    char c = t.charAt(at);
                    char replacement = c == '.' ? 'A' : (c == 'A' ? 'B' : 'A');
                    forged = t.substring(0, at) + replacement + t.substring(at + 1);
                } else if (kind == 1) {
                    // Another grant's signature on this grant's payload.
                    Grant other = broker.grant(region.id(), "owner", "x", 0, PAGE, Restrictions.NONE);
                    forged = t.substring(0, t.lastIndexOf('.')) + other.token().substring(other.token().lastIndexOf('.'));
                    broker.revoke(other.id(), false);
                } else {
                    forged = t.substring(0, t.length() - 1 - random.nextInt(10));
                }
                return refusedWith(Reason.FORGED, () -> broker.map(forged).close());
            }
            case REVOKED: {
                MemoryHandle h = broker.map(g.token());
                broker.revoke(g.id(), false);
                boolean checkPassed;
                try {
                    h.check();
                    checkPassed = true;
                } catch (HandleRevokedException expected) {
                    checkPassed = false;
                } finally {
                    h.close();
                }
                return checkPassed || refusedWith(Reason.REVOKED, () -> broker.map(g.token()).close());
            }
            case NOT_OWNER:
                return refusedWith(Reason.NOT_OWNER, () -> broker.grant(region.id(), "mallory", "m", g.offset(), PAGE,
                        Restrictions.NONE));
            default:
                throw new AssertionError(v);
        }
    }

    private interface Attempt {
        void run() throws MemoryException;
    }

    /** True (a success of the violation) unless the attempt was refused with {@code reason}. */
    private static boolean refusedWith(Reason reason, Attempt attempt) {
        try {
            attempt.run();
            return true;
        } catch (GrantRefusedException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            return e.reason() != reason;
        } catch (MemoryException e) {
            return true;
        }
    }
}
