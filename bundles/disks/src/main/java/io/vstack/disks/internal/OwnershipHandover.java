package io.vstack.disks.internal;

import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskOwners;
import io.vstack.api.vm.DiskOwnership;
import io.vstack.api.vm.VmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a migrating VM's disks (on shared storage, never copied) from the source host to the
 * destination at switchover, by collaborative release ({@link DiskOwners}): for each disk,
 * check it exists, is alive and is owned by the source (or already by the destination: a
 * repeated call changes nothing); the source releases it (its writes fenced, in-flight I/O
 * drained, the chain flushed down to the store, the release recorded); then the destination
 * takes it with the next epoch (owner record and metadata rewritten crash-safely, the filter
 * chain re-created in the destination's framework). Handles opened before the handover can no
 * longer write (fencing). All disks are checked and released before any is taken; if a step
 * fails, the disks already moved go back to the source and the call fails.
 * {@link #handBack} undoes it and is idempotent.
 */
@Component(service = DiskOwnership.class, immediate = true)
public final class OwnershipHandover implements DiskOwnership {

    private static final Logger LOG = LoggerFactory.getLogger(OwnershipHandover.class);
    /** How long a take of a released disk may wait (it asks no one: only storage). */
    private static final Duration TAKE_TIMEOUT = Duration.ofSeconds(30);

    private final DiskService disks;
    private final DiskOwners owners;

    /** Binds to the disk manager and the disk ownership service of this bundle. */
    @Activate
    public OwnershipHandover(@Reference DiskAdmin admin, @Reference DiskOwners owners) {
        this((DiskService) admin, owners);
    }

    OwnershipHandover(DiskService disks, DiskOwners owners) {
        this.disks = disks;
        this.owners = owners;
    }

    @Override
    public void handOver(String vmId, List<String> diskIds, String fromHost, String toHost) throws VmException {
        List<String> toMove = new ArrayList<>();
        for (String id : diskIds) {
            DiskRuntime disk = (DiskRuntime) disks.disk(id).orElse(null);
            if (disk == null) {
                throw new VmException("VM " + vmId + ": disk " + id + " does not exist; it cannot be handed to " + toHost);
            }
            String owner = disk.metadata().owner();
            if (owner.equals(toHost)) {
                continue;
            }
            if (!owner.equals(fromHost)) {
                throw new VmException("VM " + vmId + ": disk " + id + " is owned by host " + owner + ", not " + fromHost);
            }
            if (disk.chain().dead != null) {
                throw new VmException("VM " + vmId + ": disk " + id + " cannot be handed over: " + disk.chain().dead);
            }
            toMove.add(id);
        }
        List<String> released = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        String step = "released";
        String current = null;
        try {
            for (String id : toMove) {
                current = id;
                owners.release(id);
                released.add(id);
            }
            step = "taken by " + toHost;
            for (String id : toMove) {
                current = id;
                owners.acquire(id, toHost, TAKE_TIMEOUT);
                moved.add(id);
            }
        } catch (DiskException | RuntimeException e) {
            for (String back : released) {
                changeQuietly(vmId, back, fromHost);
            }
            throw new VmException("VM " + vmId + ": disk " + current + " cannot be " + step + ": " + e.getMessage(), e);
        }
        LOG.debug("VM {}: disks {} handed over {} -> {}", vmId, toMove, fromHost, toHost);
    }

    @Override
    public void handBack(String vmId, List<String> diskIds, String fromHost, String toHost) {
        for (String id : diskIds) {
            changeQuietly(vmId, id, fromHost);
        }
    }

    /** Gives {@code id} to {@code to} by release and take, if it is not {@code to}'s; logs a failure. */
    private void changeQuietly(String vmId, String id, String to) {
        try {
            DiskRuntime disk = disks.runtime(id);
            if (disk == null || !disk.owner().released() && disk.owner().host().equals(to)) {
                return;
            }
            owners.release(id);
            owners.acquire(id, to, TAKE_TIMEOUT);
        } catch (DiskException | RuntimeException e) {
            LOG.warn("VM {}: disk {} could not be given back to {}: {}", vmId, id, to, e.getMessage(), e);
        }
    }
}
