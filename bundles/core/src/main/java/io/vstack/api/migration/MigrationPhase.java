package io.vstack.api.migration;

/** Where a migration is. */
public enum MigrationPhase {
    /** Connecting and negotiating with the destination. */
    SETUP,
    /** Copying memory while the VM runs. */
    PRECOPY,
    /** The VM is stunned: final pages, vCPU and device state, verification. */
    SWITCHOVER,
    /** The VM runs at the destination. */
    COMPLETED,
    /** Failed; the VM runs where it was. */
    FAILED,
    /** Cancelled by the user; the VM runs where it was. */
    CANCELLED;

    /** Whether the migration is over. */
    public boolean done() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
