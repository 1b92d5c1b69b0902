package io.vstack.api.migration;

/** Where a migration is. */
public enum MigrationPhase {
    /** Connecting and negotiating with the destination. */
    SETUP,
    /** Copying memory while the VM runs. */
    PRECOPY,
    /** The VM is stunned: final pages, vCPU and device state, verification. */
    SWITCHOVER,
    /**
     * Post-copy: the VM runs at the destination while the source pushes the pages it still holds
     * and answers the destination's page requests first. Cannot be cancelled: the up-to-date
     * memory is split between the two hosts.
     */
    POSTCOPY,
    /**
     * Post-copy with a broken connection (QEMU's {@code postcopy-paused}): the destination's vCPUs
     * that touch a missing page wait, the source keeps its pages and reconnects (automatically, or
     * on {@link MigrationService#recover}); outstanding page requests are resent on recovery.
     */
    POSTCOPY_PAUSED,
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
