package io.vstack.api.migration;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Live migration of VMs between hosts over TCP. Each host has a migration endpoint; a host of
 * this process is reached on loopback, a host of another process at its configured address.
 * <p><b>Threads.</b> Thread-safe. {@link #start} returns once the migration is checked and
 * running on its own thread; {@link #await} blocks until it ends. Nothing else blocks.
 * <p><b>Errors.</b> {@link MigrationException} with a one-line message for a refused start (unknown
 * VM or host, same host, VM already migrating, unsupported mode) — nothing changed — and for a
 * migration that failed: the VM then runs where it was.
 */
@ProviderType
public interface MigrationService {

    /**
     * Starts moving {@code vmId} to {@code destinationHost}.
     *
     * @return the migration's first status (its id)
     * @throws MigrationException if the migration is refused
     */
    MigrationStatus start(String vmId, String destinationHost, MigrationParams params) throws MigrationException;

    /** The status of migration {@code id} (running or finished), if known. */
    Optional<MigrationStatus> status(String id);

    /** Migrations running now. */
    List<MigrationStatus> active();

    /**
     * Cancels a running migration before its switchover; the VM keeps running at the source.
     *
     * @throws MigrationException if no such migration runs or it is already switching over
     */
    void cancel(String id) throws MigrationException;

    /**
     * Waits for migration {@code id} to end.
     *
     * @throws MigrationException with the migration's one-line error if it failed or was cancelled
     * @throws InterruptedException if interrupted while waiting
     */
    MigrationReport await(String id) throws MigrationException, InterruptedException;

    /**
     * Reconnects a post-copy migration of {@code vmId} whose connection broke
     * ({@link MigrationPhase#POSTCOPY_PAUSED}) now, as QEMU's {@code migrate-recover} /
     * {@code migrate resume=true}; the automatic retries do the same on their own. Returns once the
     * attempt is started; {@link #status} follows it.
     *
     * @throws MigrationException if no migration of that VM is paused in post-copy here
     */
    default void recover(String vmId) throws MigrationException {
        throw new MigrationException("this migration service cannot recover post-copy migrations");
    }

    /** Finished migrations, oldest first (bounded history). */
    List<MigrationReport> history();
}
