package io.vstack.memory.internal.prda;

import io.vstack.api.hw.Cpu;
import io.vstack.api.hw.Host;
import io.vstack.api.memory.PerCpuAreas.PrdaArea;
import io.vstack.api.memory.PerCpuAreas.PrdaRun;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

/**
 * The CPUs of one host with their data areas and a scheduler: one named platform thread per CPU
 * takes contexts from its run queue, switches each in (loading its space and switching the alias),
 * runs it for a seeded quantum of 1 to 100 operations, extended while the context is inside a
 * non-preemptible section, and at that preemption point moves it to a CPU chosen by the seeded
 * schedule. One run at a time per host.
 */
final class PrdaMachine {

    /** Most contexts a run may have (the run queues' capacity, less the stop marker). */
    static final int MAX_CONTEXTS = 1024;
    /** Address spaces the contexts of a run belong to. */
    private static final int SPACES = 4;
    private static final ExecutionContext STOP = new ExecutionContext(-1, null, 0, 0, ExecutionContext.Variant.ALIAS_EACH_ACCESS);

    private final Host host;
    private final PrdaCpu[] cpus;

    PrdaMachine(Host host) {
        this.host = host;
        List<Cpu> list = host.cpus();
        this.cpus = new PrdaCpu[list.size()];
        for (int i = 0; i < cpus.length; i++) {
            cpus[i] = new PrdaCpu(list.get(i), MAX_CONTEXTS + 1);
        }
    }

    Host host() {
        return host;
    }

    /** Reads every CPU's data area now. */
    List<PrdaArea> areas() {
        List<PrdaArea> out = new ArrayList<>(cpus.length);
        for (PrdaCpu cpu : cpus) {
            ByteBuffer a = cpu.area;
            out.add(new PrdaArea(host.name(), cpu.index, a.getLong(PrdaCpu.CPU_ID), a.getLong(PrdaCpu.SWITCHES),
                    a.getLong(PrdaCpu.OPERATIONS), a.getLong(PrdaCpu.RUNNING)));
        }
        return out;
    }

    /** Section counter A minus B summed over the areas: 0 unless a section was torn across CPUs. */
    long tornSections() {
        long torn = 0;
        for (PrdaCpu cpu : cpus) {
            torn += Math.abs(cpu.area.getLong(PrdaCpu.SECTION_A) - cpu.area.getLong(PrdaCpu.SECTION_B));
        }
        return torn;
    }

    /** Operations counted in the areas, over every run so far. */
    long countedOperations() {
        long sum = 0;
        for (PrdaCpu cpu : cpus) {
            sum += cpu.area.getLong(PrdaCpu.OPERATIONS);
        }
        return sum;
    }

    /**
     * Runs {@code contexts} contexts for {@code operations} operations in all on the schedule seeded
     * with {@code seed}; blocks until they are done.
     */
    synchronized PrdaRun run(int contexts, long operations, long seed, ExecutionContext.Variant variant)
            throws InterruptedException {
        if (cpus.length == 0) {
            throw new IllegalArgumentException("host " + host.name() + " has no CPUs to run contexts on");
        }
        if (contexts < 1 || contexts > MAX_CONTEXTS) {
            throw new IllegalArgumentException("contexts " + contexts + " must be from 1 to " + MAX_CONTEXTS);
        }
        if (operations < contexts) {
            throw new IllegalArgumentException("operations " + operations + " must be at least the number of contexts ("
                    + contexts + ")");
        }
        SplittableRandom seeds = new SplittableRandom(seed);
        SpaceAlias[] spaces = new SpaceAlias[SPACES];
        for (int s = 0; s < SPACES; s++) {
            spaces[s] = new SpaceAlias("prda-space-" + s, cpus.length);
        }
        ExecutionContext[] all = new ExecutionContext[contexts];
        for (int c = 0; c < contexts; c++) {
            long share = operations / contexts + (c < operations % contexts ? 1 : 0);
            all[c] = new ExecutionContext(c, spaces[c % SPACES], share, seeds.nextLong(), variant);
        }
        CountDownLatch done = new CountDownLatch(contexts);
        long[] migrations = new long[cpus.length];
        for (int c = 0; c < contexts; c++) {
            cpus[c % cpus.length].runQueue.add(all[c]);
        }
        Thread[] threads = new Thread[cpus.length];
        for (int i = 0; i < cpus.length; i++) {
            PrdaCpu cpu = cpus[i];
            threads[i] = new Thread(() -> runCpu(cpu, done, migrations), "vstack-prda-" + host.name() + "-cpu" + i);
        }
        long start = System.nanoTime();
        for (Thread t : threads) {
            t.start();
        }
        try {
            done.await();
        } finally {
            for (PrdaCpu cpu : cpus) {
                cpu.runQueue.clear();
                cpu.runQueue.add(STOP);
            }
            for (Thread t : threads) {
                t.join();
            }
            for (PrdaCpu cpu : cpus) {
                cpu.runQueue.clear();
            }
        }
        long nanos = System.nanoTime() - start;
        long ops = 0;
        long mismatches = 0;
        long sectionMigrations = 0;
        for (ExecutionContext c : all) {
            ops += c.operations;
            mismatches += c.mismatches;
            sectionMigrations += c.sectionMigrations;
        }
        long moved = 0;
        for (long m : migrations) {
            moved += m;
        }
        return new PrdaRun(host.name(), cpus.length, contexts, ops, moved, mismatches, sectionMigrations, nanos);
    }

    private void runCpu(PrdaCpu cpu, CountDownLatch done, long[] migrations) {
        try {
            while (true) {
                ExecutionContext context = cpu.runQueue.take();
                if (context == STOP) {
                    return;
                }
                cpu.switchTo(context);
                int quantum = context.nextQuantum();
                for (int n = 0; context.runnable() && (n < quantum || !context.preemptible()); n++) {
                    context.step(cpu);
                }
                cpu.switchOut();
                if (!context.runnable()) {
                    done.countDown();
                    continue;
                }
                int target = context.nextCpu(cpus.length); // the preemption point
                if (target != cpu.index) {
                    migrations[cpu.index]++;
                }
                cpus[target].runQueue.add(context);         // never full: it holds every context at most
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
