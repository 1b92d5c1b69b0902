package io.vstack.api.memory;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Per-processor data areas (PRDAs): each simulated CPU of a host owns a data area, and every
 * address space maps one fixed alias address, {@link AddressSpace#ALIAS_WINDOW}, to the data area of
 * the CPU that runs the accessing execution context; a context switch switches the alias. Execution
 * contexts run on the CPUs and are moved between them by a scheduler at preemption points; a
 * non-preemptible section keeps a context on its CPU across a multi-step update.
 * <p>Thread-safe. {@link #exercise} runs for as long as its operations take and blocks the caller.
 */
@ProviderType
public interface PerCpuAreas {

    /**
     * The data areas of host {@code host}'s CPUs, read now.
     *
     * @throws IllegalArgumentException if there is no such host
     */
    List<PrdaArea> areas(String host);

    /**
     * Runs {@code contexts} execution contexts on host {@code host}'s CPUs for {@code operations}
     * operations in all, moved between CPUs on a schedule seeded with {@code seed} every 1 to 100
     * operations; every operation reads the running CPU's id through the alias and counts a mismatch
     * when it is not the CPU the scheduler placed the context on.
     *
     * @throws IllegalArgumentException if there is no such host, or a count is not positive
     * @throws InterruptedException if the caller is interrupted; the contexts are stopped then
     */
    PrdaRun exercise(String host, int contexts, long operations, long seed) throws InterruptedException;

    /**
     * One CPU's data area.
     *
     * @param host           the host
     * @param cpu            the CPU's index
     * @param cpuId          the CPU id stamped in the area (equals {@code cpu} unless the area is damaged)
     * @param contextSwitches context switches onto this CPU
     * @param operations     operations executed on this CPU, counted in its area
     * @param runningContext the execution context on the CPU now, or -1
     */
    record PrdaArea(String host, int cpu, long cpuId, long contextSwitches, long operations, long runningContext) {
    }

    /**
     * What an {@link #exercise} did.
     *
     * @param host               the host
     * @param cpus               CPUs used
     * @param contexts           execution contexts run
     * @param operations         operations executed
     * @param migrations         moves of a context to another CPU
     * @param mismatches         operations whose alias led to another CPU's area than the running one (0 expected)
     * @param sectionMigrations  non-preemptible sections that saw their CPU change (0 expected)
     * @param nanos              wall time of the run
     */
    record PrdaRun(String host, int cpus, int contexts, long operations, long migrations, long mismatches,
                   long sectionMigrations, long nanos) {
    }
}
