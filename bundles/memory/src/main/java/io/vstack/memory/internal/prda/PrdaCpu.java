package io.vstack.memory.internal.prda;

import io.vstack.api.hw.Cpu;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A simulated CPU as the scheduler sees it: its per-CPU data area (the host CPU's
 * {@link Cpu#dataArea()}), its run queue, and its MMU state: the address space loaded on it
 * ({@code cr3}). The data area layout:
 * <pre>
 *  0  CPU id (stamped when the machine is built)
 *  8  running context id, -1 when idle
 * 16  context switches onto this CPU
 * 24  operations executed on this CPU
 * 32  section counter A, 40 section counter B (a two-step update: equal when no section is torn)
 * </pre>
 * Only the CPU's own thread writes its area (in a correct run); others may read it.
 */
public final class PrdaCpu {

    /** Offset of the CPU id in the area. */
    public static final int CPU_ID = 0;
    static final int RUNNING = 8;
    static final int SWITCHES = 16;
    static final int OPERATIONS = 24;
    static final int SECTION_A = 32;
    static final int SECTION_B = 40;

    final int index;
    final ByteBuffer area;
    final BlockingQueue<ExecutionContext> runQueue;
    /** The address space loaded on this CPU (its page-table root). Only this CPU's thread touches it. */
    SpaceAlias cr3;

    /** CPU {@code cpu} with a run queue of {@code queueCapacity} contexts; stamps the CPU id in its area. */
    public PrdaCpu(Cpu cpu, int queueCapacity) {
        this.index = cpu.index();
        this.area = cpu.dataArea();
        this.runQueue = new ArrayBlockingQueue<>(queueCapacity);
        area.putLong(CPU_ID, index);
        area.putLong(RUNNING, -1);
    }

    /**
     * A context switch: loads the context's address space and switches its alias entry to this
     * CPU's data area.
     */
    void switchTo(ExecutionContext context) {
        load(context.space);
        area.putLong(RUNNING, context.id);
        area.putLong(SWITCHES, area.getLong(SWITCHES) + 1);
    }

    /** Loads {@code space} on this CPU (its {@code cr3}) and switches the space's alias entry to this CPU's area. */
    public void load(SpaceAlias space) {
        cr3 = space;
        space.load(this);
    }

    /** The context leaves this CPU. */
    void switchOut() {
        area.putLong(RUNNING, -1);
    }

    /** Translates the alias address on this CPU: the data area its loaded space's alias entry maps. */
    public ByteBuffer alias() {
        return cr3.translate(index);
    }
}
