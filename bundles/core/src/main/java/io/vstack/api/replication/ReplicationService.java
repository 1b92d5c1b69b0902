package io.vstack.api.replication;

import io.vstack.api.transport.Endpoint;
import java.time.Duration;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Replication of virtual disks to a recovery site (another process's transport endpoint). The
 * primary side tracks the blocks written to a disk, seals them every {@code rpo} as a consistent
 * delta (writes after the seal do not leak into it) and ships it with checksums; the recovery side
 * applies each delta atomically as a new differencing disk on the disk's recovery chain and keeps
 * the newest {@code keep} of them as recovery points, merging older ones into the chain's base.
 * <p><b>Threads.</b> Thread-safe. Shipping runs on threads the implementation owns; the calls
 * here block only for local storage and, for {@link #enable}, one round trip to the target.
 * <p><b>Errors.</b> A {@link ReplicationException} or {@link IllegalArgumentException} carries one
 * line naming the object and the reason, and nothing is changed.
 */
@ProviderType
public interface ReplicationService {

    /** The default interval between seals: 30 s. */
    Duration DEFAULT_RPO = Duration.ofSeconds(30);

    /** The shortest interval between seals: 1 s. */
    Duration MIN_RPO = Duration.ofSeconds(1);

    /** How many recovery points the recovery site keeps by default. */
    int DEFAULT_KEEP = 8;

    /**
     * Starts replicating disk {@code diskId} of this process to {@code target}: its whole content
     * first (the initial sync, recovery point 1), then a delta every {@code rpo}.
     *
     * @param rpo  from {@link #MIN_RPO} up
     * @param keep recovery points the recovery site keeps, 1 or more
     * @throws IllegalArgumentException for an rpo or keep out of range
     * @throws ReplicationException if the disk does not exist or is replicated already, or the target cannot be reached
     */
    ReplicaStatus enable(String diskId, Endpoint target, Duration rpo, int keep) throws ReplicationException;

    /** Every replication this process takes part in, as primary or recovery site, sorted by disk. */
    List<ReplicaStatus> status();

    /**
     * The recovery points held here for disk {@code diskId}, oldest first.
     *
     * @throws ReplicationException if this process is not the recovery site of that disk
     */
    List<RecoveryPoint> points(String diskId) throws ReplicationException;

    /**
     * Test failover: creates disk {@code name}, a writable differencing child of recovery point
     * {@code sequence}; replication goes on meanwhile. Delete the disk when the test is over.
     *
     * @return the new disk's id
     * @throws ReplicationException if the point does not exist (any more) or the name is taken
     */
    String testFailover(String diskId, long sequence, String name) throws ReplicationException;

    /**
     * Failover after the primary is lost: the newest recovery point becomes writable disk
     * {@code diskId} on this process, and deltas from the old primary are refused from then on.
     * Replicating that disk back ({@link #enable} towards the old primary's site) is reverse
     * replication.
     *
     * @return the id of the writable disk
     * @throws ReplicationException if this process is not the disk's recovery site, holds no point yet, or the name is taken
     */
    String failover(String diskId) throws ReplicationException;

    /**
     * Stops replicating disk {@code diskId}: on the primary, tracking and shipping end (the recovery
     * site keeps its points); at a recovery site, its points and chain are deleted.
     *
     * @throws ReplicationException if the disk is not replicated here, or a point is in use by a test failover
     */
    void disable(String diskId) throws ReplicationException;
}
