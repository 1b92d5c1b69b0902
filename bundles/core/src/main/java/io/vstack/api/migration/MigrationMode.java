package io.vstack.api.migration;

/** How memory moves. */
public enum MigrationMode {
    /** Copy while the VM runs, then stop it briefly for the rest (QEMU's default). */
    PRECOPY,
    /** Start the VM at the destination at once and fetch pages on demand. */
    POSTCOPY,
    /** Pre-copy, switching to post-copy when pre-copy will not converge. */
    HYBRID
}
