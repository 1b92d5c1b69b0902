package io.vstack.storage.vsan.internal;

import io.vstack.api.hw.DeviceFaultException;
import io.vstack.api.hw.SimulationKnobs;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * One replica (component) of a vSAN object: a file under a host's {@code local0} device. Its
 * host's device knobs decide whether it can be reached; the dirty regions say which parts of it
 * miss writes that its peers have (it is stale while any are set).
 * <p>Thread-safe: the knobs reference is volatile, the dirty set is guarded by this object.
 */
final class Replica {

    final String host;
    final Path file;
    final FileChannel channel;
    private volatile SimulationKnobs knobs;
    private volatile boolean stale;
    private final BitSet dirty = new BitSet();
    private volatile String lastFault = "";

    Replica(String host, Path file, FileChannel channel, SimulationKnobs knobs) {
        this.host = host;
        this.file = file;
        this.channel = channel;
        this.knobs = knobs;
    }

    void setKnobs(SimulationKnobs knobs) {
        this.knobs = knobs;
    }

    /** Whether the replica's host is configured and its device not held down (no latency or draw applied). */
    boolean hostUp() {
        SimulationKnobs k = knobs;
        return k != null && !k.down();
    }

    /**
     * Applies the host device's knobs to one operation (latency, down, seeded faults); returns
     * whether the replica may be used for it. Allocates nothing unless the simulation fails it.
     */
    boolean attempt(String operation) {
        SimulationKnobs k = knobs;
        if (k == null) {
            lastFault = "host " + host + " is not configured";
            return false;
        }
        try {
            k.beforeOperation(operation);
            return true;
        } catch (DeviceFaultException e) {
            lastFault = e.getMessage();
            return false;
        }
    }

    void fault(String reason) {
        lastFault = reason;
    }

    String lastFault() {
        return lastFault;
    }

    /** Whether the replica misses writes and must not serve reads. */
    boolean stale() {
        return stale;
    }

    /**
     * Records that regions {@code first..last} miss a write.
     *
     * @return whether the replica just became stale (the object's descriptor must say so before the
     *         write is acknowledged)
     */
    synchronized boolean markDirty(long first, long last) {
        dirty.set((int) first, (int) last + 1);
        boolean became = !stale;
        stale = true;
        return became;
    }

    /** The next dirty region at or after {@code from}, or -1. */
    synchronized int nextDirty(int from) {
        return dirty.nextSetBit(from);
    }

    synchronized boolean isDirty(int region) {
        return dirty.get(region);
    }

    synchronized void clean(int region) {
        dirty.clear(region);
    }

    synchronized int dirtyRegions() {
        return dirty.cardinality();
    }

    /** Marks the replica in sync if no region is dirty; returns whether it is now in sync. */
    synchronized boolean settleIfClean() {
        if (dirty.isEmpty()) {
            stale = false;
        }
        return !stale;
    }
}
