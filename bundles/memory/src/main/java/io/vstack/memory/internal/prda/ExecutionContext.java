package io.vstack.memory.internal.prda;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * An execution context: a thread of work that runs on whichever simulated CPU the scheduler puts
 * it, one operation per {@link #step}. Each operation reads the running CPU's id through the alias
 * address and counts a mismatch when it is not the CPU it runs on; every 16th operation starts a
 * three-operation non-preemptible section that updates counters A and B of the area in two steps
 * and checks that the CPU did not change.
 * <p>{@link Variant#CACHE_ACROSS_PREEMPTION} is the bug the stress test must catch: it keeps the
 * area it resolved and reuses it after a preemption point, where the context may have moved.
 * <p>Confined to the CPU thread that runs it; the run queues' hand-off orders its fields.
 */
final class ExecutionContext {

    /** How the context reaches its CPU's data area. */
    enum Variant {
        /** Correct: through the alias on every access. */
        ALIAS_EACH_ACCESS,
        /** Broken on purpose: resolves once and keeps the area across preemption points. */
        CACHE_ACROSS_PREEMPTION
    }

    final int id;
    final SpaceAlias space;
    private final SplittableRandom random;
    private final Variant variant;
    private long remaining;
    private int preemptCount;
    private int sectionStep;
    private long sectionCpu;
    private ByteBuffer cached;
    long mismatches;
    long sectionMigrations;
    long operations;

    ExecutionContext(int id, SpaceAlias space, long operations, long seed, Variant variant) {
        this.id = id;
        this.space = space;
        this.remaining = operations;
        this.random = new SplittableRandom(seed);
        this.variant = variant;
    }

    /** Whether the context has operations left or is inside a section. */
    boolean runnable() {
        return remaining > 0 || preemptCount > 0;
    }

    /** Whether the scheduler may move the context now. */
    boolean preemptible() {
        return preemptCount == 0;
    }

    /** Operations to run before the next preemption point: 1 to 100, from the seeded schedule. */
    int nextQuantum() {
        return 1 + random.nextInt(100);
    }

    /** The CPU to run on after a preemption point, from the seeded schedule. */
    int nextCpu(int cpus) {
        return random.nextInt(cpus);
    }

    /** Runs one operation on {@code cpu}, the CPU this context runs on. */
    void step(PrdaCpu cpu) {
        ByteBuffer area = variant == Variant.CACHE_ACROSS_PREEMPTION && cached != null ? cached : cpu.alias();
        cached = area;
        if (area.getLong(PrdaCpu.CPU_ID) != cpu.index) {
            mismatches++;
        }
        area.putLong(PrdaCpu.OPERATIONS, area.getLong(PrdaCpu.OPERATIONS) + 1);
        operations++;
        remaining--;
        if (sectionStep == 0 && remaining >= 2 && (operations & 15) == 0) {
            preemptCount++;                                  // enter the non-preemptible section
            sectionCpu = area.getLong(PrdaCpu.CPU_ID);
            area.putLong(PrdaCpu.SECTION_A, area.getLong(PrdaCpu.SECTION_A) + 1);
            sectionStep = 1;
        } else if (sectionStep == 1) {
            checkSection(area);
            sectionStep = 2;
        } else if (sectionStep == 2) {
            checkSection(area);
            area.putLong(PrdaCpu.SECTION_B, area.getLong(PrdaCpu.SECTION_B) + 1);
            sectionStep = 0;
            preemptCount--;                                  // leave it
        }
    }

    private void checkSection(ByteBuffer area) {
        if (area.getLong(PrdaCpu.CPU_ID) != sectionCpu) {
            sectionMigrations++;
        }
    }
}
