package io.vstack.workload.internal;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The generation this run last wrote to each block, so that reads know what to expect; a
 * sequence lock per block keeps a read that races a write to the same block from being judged.
 * <p>Entry values: 0 = not written by this run; {@link #UNKNOWN} = a write failed, content
 * unknown; a positive generation = the block holds it; a negative value = a write of
 * generation {@code -value} is in flight. A writer claims the block (spinning briefly while
 * another write to it is in flight), a reader samples the entry before and after its read and
 * judges only if both agree.
 */
final class GenerationTable {

    static final int UNKNOWN = Integer.MAX_VALUE;
    private final AtomicIntegerArray generations;

    GenerationTable(int blocks) {
        generations = new AtomicIntegerArray(blocks);
    }

    /** Marks a write of {@code block} in flight and returns its generation (1 or more). */
    int beginWrite(int block) {
        while (true) {
            int current = generations.get(block);
            if (current < 0) {
                Thread.onSpinWait();
                continue;
            }
            int next = current >= UNKNOWN - 1 ? 1 : current + 1;
            if (generations.compareAndSet(block, current, -next)) {
                return next;
            }
        }
    }

    /** Ends the write begun with {@link #beginWrite}; {@code ok} false records the content as unknown. */
    void endWrite(int block, int generation, boolean ok) {
        generations.set(block, ok ? generation : UNKNOWN);
    }

    /** The entry now (see the class comment). */
    int sample(int block) {
        return generations.get(block);
    }
}
