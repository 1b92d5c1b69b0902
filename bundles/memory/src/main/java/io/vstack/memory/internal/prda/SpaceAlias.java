package io.vstack.memory.internal.prda;

import io.vstack.api.memory.AddressSpace;
import java.nio.ByteBuffer;

/**
 * The alias window of one address space ({@link AddressSpace#ALIAS_WINDOW}): the top-level entry
 * that maps the fixed alias address, one per CPU (as per-CPU copies of the top-level table would
 * hold it), switched to a CPU's data area when a context of this space is switched onto that CPU.
 * Entry {@code c} is written and read only by CPU {@code c}'s thread.
 */
public final class SpaceAlias {

    private final String name;
    private final ByteBuffer[] entries;

    /** The alias window of space {@code name} on a host of {@code cpus} CPUs. */
    public SpaceAlias(String name, int cpus) {
        this.name = name;
        this.entries = new ByteBuffer[cpus];
    }

    /** Context switch on {@code cpu}: its entry now maps the alias to the CPU's data area. */
    void load(PrdaCpu cpu) {
        entries[cpu.index] = cpu.area;
    }

    /** The data area the alias maps to on CPU {@code cpu}. */
    ByteBuffer translate(int cpu) {
        ByteBuffer area = entries[cpu];
        if (area == null) {
            throw new IllegalStateException("address space " + name + " was never loaded on CPU " + cpu);
        }
        return area;
    }

    String name() {
        return name;
    }
}
