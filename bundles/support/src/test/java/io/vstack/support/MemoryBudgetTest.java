package io.vstack.support;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

    private static final long GIB = 1L << 30;

    @Test
    void refusesDirectMemoryBeyondHalfOfWhatIsFreeByName() {
        MemoryBudget budget = new MemoryBudget(2 * GIB, GIB / 10, 2 * GIB, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> budget.requireDirect("workload:run --threads 1024 x --bs 16M", 16 * GIB));
        assertEquals("workload:run --threads 1024 x --bs 16M needs 16 GiB of direct memory; the distribution has"
                + " 1.9 GiB free of 2 GiB (a request may take half of what is free)", e.getMessage());
        assertDoesNotThrow(() -> budget.requireDirect("small", GIB / 2));
    }

    @Test
    void refusesHeapBeyondHalfOfWhatIsFree() {
        MemoryBudget budget = new MemoryBudget(0, 0, 2 * GIB, GIB);
        assertThrows(IllegalArgumentException.class, () -> budget.requireHeap("x", GIB / 2 + 1));
        assertDoesNotThrow(() -> budget.requireHeap("x", GIB / 2));
    }

    @Test
    void anOverflowingRequestIsRefused() {
        MemoryBudget budget = new MemoryBudget(GIB, 0, GIB, 0);
        assertEquals(-1, MemoryBudget.times(Long.MAX_VALUE, 2));
        assertEquals(6, MemoryBudget.times(2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> budget.requireHeap("cache:simulate", MemoryBudget.times(1L << 40, 1L << 40)));
        assertTrue(e.getMessage().startsWith("cache:simulate needs more than 8 EiB of heap"), e.getMessage());
    }

    @Test
    void readsMaxDirectMemorySizeFromTheJvmArguments() {
        assertEquals(16 * GIB, MemoryBudget.maxDirect(List.of("-Xmx2g", "-XX:MaxDirectMemorySize=16g"), 7));
        assertEquals(7, MemoryBudget.maxDirect(List.of("-Xmx2g"), 7));
    }

    @Test
    void theRunningJvmHasSomeFreeHeap() {
        MemoryBudget budget = MemoryBudget.current();
        assertTrue(budget.heapFree() > 0 && budget.heapLimit() >= budget.heapFree(), budget.toString());
    }
}
