package io.vstack.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BlockRangeLocksTest {

    /** Bounds a wait that must end (a deadlock fails the test instead of hanging the build). */
    private static final long DEADLINE_SECONDS = 60;

    private long unguarded;

    @Test
    void whileARangeIsHeldOtherStripesAndOtherReadersGoOn() throws Exception {
        BlockRangeLocks locks = new BlockRangeLocks(8, 1);   // blocks 0-1: stripe 0, 2-3: stripe 1, ...
        locks.lockExclusive(2, 2);
        CompletableFuture.runAsync(() -> {
            locks.lockExclusive(0, 2);
            locks.unlockExclusive(0, 2);
            locks.lockExclusive(4, 12);                         // stripes 2..7
            locks.unlockExclusive(4, 12);
        }).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        locks.unlockExclusive(2, 2);

        locks.lockShared(0, 1);
        CompletableFuture.runAsync(() -> {
            locks.lockShared(0, 1);
            locks.unlockShared(0, 1);
        }).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        locks.unlockShared(0, 1);
    }

    @Test
    void overlappingWrappingAndWholeRangesExcludeEachOtherWithoutDeadlock() throws Exception {
        BlockRangeLocks locks = new BlockRangeLocks(4, 0);
        int rounds = 50_000;
        // Ranges (3, 0), (2, 3, 0) and everything overlap in stripe 0 and wrap around: the counter is
        // only ever changed under an exclusive lock, so no increment is lost, and ordered locking never deadlocks.
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < rounds; i++) {
                locks.lockExclusive(3, 2);
                unguarded++;
                locks.unlockExclusive(3, 2);
            }
        });
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < rounds; i++) {
                locks.lockExclusive(6, 3);
                unguarded++;
                locks.unlockExclusive(6, 3);
                locks.lockExclusive(0, 1_000_000);
                unguarded++;
                locks.unlockExclusive(0, 1_000_000);
            }
        });
        a.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        b.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        assertEquals(3L * rounds, unguarded);
    }

    @Test
    void badGeometryIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BlockRangeLocks(6, 0));
        assertThrows(IllegalArgumentException.class, () -> new BlockRangeLocks(8, -1));
    }
}
