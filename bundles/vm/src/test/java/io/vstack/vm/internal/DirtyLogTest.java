package io.vstack.vm.internal;

import io.vstack.api.testing.FakeMemory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The dirty log and the guest write path against the harvest that a migration runs concurrently.
 * The lost-update tests play the pre-copy protocol in miniature: harvest, copy the dirty pages
 * to a shadow (the destination), repeat; after the last write, one final harvest and copy; the
 * shadow must then equal guest memory.
 */
class DirtyLogTest {

    @Test
    void aMarkIsHarvestedOnceAndTheLogIsCleanAfterwards() {
        DirtyLog log = new DirtyLog(200);
        log.mark(0);
        log.mark(63);
        log.mark(64);
        log.mark(199);
        log.mark(64);
        long[] bitmap = new long[log.words()];
        assertEquals(4, log.harvestInto(bitmap));
        assertEquals((1L << 63) | 1L, bitmap[0]);
        assertEquals(1L, bitmap[1]);
        assertEquals(1L << (199 - 192), bitmap[3]);
        assertEquals(0, log.harvestInto(new long[log.words()]));
    }

    @Test
    void marksRacingHarvestsAreNeverLost() throws Exception {
        int pages = 1 << 16;
        DirtyLog log = new DirtyLog(pages);
        AtomicBoolean writersDone = new AtomicBoolean();
        Thread[] writers = new Thread[2];
        for (int t = 0; t < writers.length; t++) {
            int offset = t;
            writers[t] = new Thread(() -> {
                // each page marked exactly once, interleaved between the two writers
                for (int pfn = offset; pfn < pages; pfn += 2) {
                    log.mark(pfn);
                }
            }, "test-marker-" + t);
        }
        long[] bitmap = new long[log.words()];
        long harvested = 0;
        for (Thread w : writers) {
            w.start();
        }
        Thread joiner = new Thread(() -> {
            for (Thread w : writers) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            writersDone.set(true);
        });
        joiner.start();
        while (!writersDone.get()) {
            harvested += log.harvestInto(bitmap);
        }
        harvested += log.harvestInto(bitmap);
        assertEquals(pages, harvested, "every mark harvested exactly once");
        for (long word : bitmap) {
            assertEquals(-1L, word);
        }
    }

    @Test
    void markAfterWriteLosesNoUpdateWhenAHarvestFallsBetweenStoreAndMark() throws Exception {
        assertFalse(loses(GuestRam.Order.MARK_AFTER_WRITE));
    }

    @Test
    void theBrokenMarkBeforeWriteVariantIsCaught() throws Exception {
        // Negative control: the same protocol with the mark before the store must lose the update.
        assertTrue(loses(GuestRam.Order.MARK_BEFORE_WRITE), "mark-before-write must lose an update");
    }

    /** Writes one page with a migration round forced between the two steps of the write. */
    private static boolean loses(GuestRam.Order order) throws Exception {
        FakeMemory memory = new FakeMemory("h", 64);
        AtomicReference<Runnable> round = new AtomicReference<>();
        GuestRam ram = GuestRam.allocate(memory, 16, order, pfn -> {
            Runnable r = round.getAndSet(null);
            if (r != null) {
                r.run();
            }
        });
        ByteBuffer[] shadow = shadow(16);
        long[] bitmap = new long[ram.dirtyLog().words()];
        round.set(() -> copyDirty(ram, bitmap, shadow));
        ram.write(5, 0, 8, 42L);
        copyDirty(ram, bitmap, shadow); // the final round, at stun
        boolean lost = !equal(ram, shadow);
        ram.release();
        return lost;
    }

    @Test
    void aWriterRacingTheCopierLosesNoUpdate() throws Exception {
        FakeMemory memory = new FakeMemory("h", 256);
        GuestRam ram = GuestRam.allocate(memory, 128, GuestRam.Order.MARK_AFTER_WRITE, pfn -> { });
        ByteBuffer[] shadow = shadow(128);
        long[] bitmap = new long[ram.dirtyLog().words()];
        Thread writer = new Thread(() -> {
            long x = 12345;
            for (long seq = 1; seq <= 300_000; seq++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                ram.write(Math.floorMod(x, 128), Math.floorMod(x >>> 20, 512) * 8, 8, seq);
            }
        }, "test-guest");
        writer.start();
        while (writer.isAlive()) {
            copyDirty(ram, bitmap, shadow);
        }
        copyDirty(ram, bitmap, shadow);
        assertTrue(equal(ram, shadow), "shadow equals memory after the final round");
        ram.release();
    }

    private static ByteBuffer[] shadow(int pages) {
        ByteBuffer[] shadow = new ByteBuffer[pages];
        for (int i = 0; i < pages; i++) {
            shadow[i] = ByteBuffer.allocate(4096);
        }
        return shadow;
    }

    private static void copyDirty(GuestRam ram, long[] bitmap, ByteBuffer[] shadow) {
        ram.dirtyLog().harvestInto(bitmap);
        for (int w = 0; w < bitmap.length; w++) {
            long bits = bitmap[w];
            while (bits != 0) {
                int pfn = w * 64 + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                shadow[pfn].clear();
                shadow[pfn].put(ram.page(pfn));
            }
            bitmap[w] = 0;
        }
    }

    private static boolean equal(GuestRam ram, ByteBuffer[] shadow) {
        for (int pfn = 0; pfn < shadow.length; pfn++) {
            if (ram.page(pfn).mismatch(shadow[pfn].clear()) != -1) {
                return false;
            }
        }
        return true;
    }
}
