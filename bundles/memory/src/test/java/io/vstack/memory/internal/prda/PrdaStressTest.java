package io.vstack.memory.internal.prda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.memory.PerCpuAreas.PrdaRun;
import io.vstack.api.testing.FakeHosts;
import org.junit.jupiter.api.Test;

/**
 * The PRDA stress of the issue: 8 CPUs, 64 contexts, seeded migrations every 1 to 100 operations,
 * every operation checking through the alias that it reaches the CPU it runs on. The unit suite
 * runs the issue's {@value #UNIT_OPERATIONS} operations (about 3 s here); {@code -Dprda.operations=N} runs another count
 * (the broken variant runs at most 400,000: it fails fast).
 */
class PrdaStressTest {

    private static final long UNIT_OPERATIONS = 100_000_000;
    private static final long OPERATIONS = Long.getLong("prda.operations", UNIT_OPERATIONS);

    @Test
    void everyOperationReachesTheAreaOfTheCpuItRunsOn() throws InterruptedException {
        PrdaMachine machine = new PrdaMachine(FakeHosts.withCpus("h", 8));
        PrdaRun run = machine.run(64, OPERATIONS, 2026L, ExecutionContext.Variant.ALIAS_EACH_ACCESS);
        System.out.println("PRDA stress: " + run);
        assertEquals(OPERATIONS, run.operations());
        assertTrue(run.migrations() > OPERATIONS / 100 * 0.8, "contexts moved every 1-100 operations: " + run.migrations());
        assertEquals(0, run.mismatches(), "operations that reached another CPU's area");
        assertEquals(0, run.sectionMigrations(), "non-preemptible sections that changed CPU");
        assertEquals(0, machine.tornSections(), "two-step updates split across areas");
        assertEquals(OPERATIONS, machine.countedOperations(), "operations counted in the areas sum to the operations run");
        machine.areas().forEach(a -> assertEquals(a.cpu(), a.cpuId()));
    }

    @Test
    void theStressCatchesAnAreaCachedAcrossAPreemptionPoint() throws InterruptedException {
        PrdaMachine machine = new PrdaMachine(FakeHosts.withCpus("h", 8));
        long operations = Math.min(OPERATIONS, 400_000);
        PrdaRun run = machine.run(64, operations, 2026L, ExecutionContext.Variant.CACHE_ACROSS_PREEMPTION);
        System.out.println("PRDA stress, broken variant: " + run);
        assertTrue(run.mismatches() > 0, "the cached area after a migration is another CPU's: " + run);
    }
}
