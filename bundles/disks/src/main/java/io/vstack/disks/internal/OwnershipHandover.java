package io.vstack.disks.internal;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.io.IoException;
import io.vstack.api.vm.DiskOwnership;
import io.vstack.api.vm.VmException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a migrating VM's disks (on shared storage, never copied) from the source host to the
 * destination at switchover. For each disk: check it exists, is alive and is owned by the source
 * (or already by the destination: a repeated call changes nothing); flush it through its whole
 * filter chain down to the store, so the source's pending writes are durable; record the
 * destination as owner in the metadata file (crash-safe rewrite); move the chain to the
 * destination's filter framework (every filter re-created with the destination as its host,
 * I/O held meanwhile). All disks are checked and flushed before any owner changes; if an owner
 * change fails midway, the disks already moved are moved back and the call fails.
 * {@link #handBack} undoes it and is idempotent.
 */
@Component(service = DiskOwnership.class, immediate = true)
public final class OwnershipHandover implements DiskOwnership {

    private static final Logger LOG = LoggerFactory.getLogger(OwnershipHandover.class);
    static final String ORIGIN = "migration-handover";

    private final DiskService disks;

    /** Binds to the disk manager of this bundle. */
    @Activate
    public OwnershipHandover(@Reference DiskAdmin admin) {
        this((DiskService) admin);
    }

    OwnershipHandover(DiskService disks) {
        this.disks = disks;
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
            flush(vmId, disk);
            toMove.add(id);
        }
        List<String> moved = new ArrayList<>();
        for (String id : toMove) {
            try {
                List<String> inactive = disks.changeOwner(id, fromHost, toHost);
                moved.add(id);
                if (!inactive.isEmpty()) {
                    LOG.warn("VM {}: disk {} now owned by {}, but filter(s) {} could not be re-created there and are inactive",
                            vmId, id, toHost, inactive);
                }
            } catch (IOException | RuntimeException e) {
                for (String back : moved) {
                    changeQuietly(vmId, back, toHost, fromHost);
                }
                throw new VmException("VM " + vmId + ": the owner of disk " + id + " cannot be changed to " + toHost + ": "
                        + e.getMessage(), e);
            }
        }
        LOG.debug("VM {}: disks {} handed over {} -> {}", vmId, toMove, fromHost, toHost);
    }

    /** Flushes the disk's pending work (every filter and the store) through a short-lived handle. */
    private static void flush(String vmId, DiskRuntime disk) throws VmException {
        try (DiskHandle h = disk.open(ORIGIN)) {
            h.flush();
        } catch (IoException e) {
            throw new VmException("VM " + vmId + ": disk " + disk.id + " cannot be flushed, so it is not handed over: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void handBack(String vmId, List<String> diskIds, String fromHost, String toHost) {
        for (String id : diskIds) {
            changeQuietly(vmId, id, toHost, fromHost);
        }
    }

    private void changeQuietly(String vmId, String id, String from, String to) {
        try {
            disks.changeOwner(id, from, to);
        } catch (IOException | RuntimeException e) {
            LOG.warn("VM {}: disk {} could not be given back to {}: {}", vmId, id, to, e.getMessage(), e);
        }
    }
}
