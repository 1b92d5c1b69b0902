package io.vstack.api.vm;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The VMs of this datacenter process: creates, starts, stops, suspends, resumes and deletes them,
 * and sets what their guests do. The inventory lives in crash-safe files and survives a restart;
 * guest memory does not, so every VM comes back {@link VmState#STOPPED}.
 * <p><b>Threads.</b> Thread-safe; operations on one VM are serialized. {@code start} blocks while
 * it takes and pre-touches guest memory (about 0.3 s per GiB), {@code stop}, {@code suspend} and
 * {@code delete} while they park vCPUs (milliseconds). The query methods never block.
 * <p><b>Errors.</b> A refused operation throws {@link VmException} with a one-line message
 * (unknown VM or host, wrong state, not enough free memory, VM migrating) and changes nothing;
 * {@link IllegalArgumentException} for a malformed spec.
 */
@ProviderType
public interface VmService {

    /**
     * Defines a VM on its host, stopped. Its memory is checked against the host's free frames now
     * and taken at {@link #start}.
     *
     * @throws VmException if the name is taken, the host is unknown, or the memory exceeds the host's free memory
     */
    VmInfo create(VmSpec spec) throws VmException;

    /** Every VM, sorted by id. */
    List<VmInfo> vms();

    /** The VM with id {@code id}, if there is one. */
    Optional<VmInfo> vm(String id);

    /**
     * Powers a stopped VM on: takes its guest memory from the host, pre-touched, fills the
     * non-zero part with the guest's boot image, and starts its vCPUs.
     *
     * @throws VmException if the VM is unknown or not stopped, or its host lacks free frames
     */
    VmInfo start(String id) throws VmException;

    /**
     * Powers a VM off: parks and ends its vCPUs and gives its memory back to the host.
     *
     * @throws VmException if the VM is unknown, already stopped, or migrating
     */
    VmInfo stop(String id) throws VmException;

    /**
     * Parks every vCPU of a running VM; its memory stays.
     *
     * @throws VmException if the VM is unknown, not running, or migrating
     */
    VmInfo suspend(String id) throws VmException;

    /**
     * Unparks the vCPUs of a suspended VM.
     *
     * @throws VmException if the VM is unknown or not suspended
     */
    VmInfo resume(String id) throws VmException;

    /**
     * Deletes a VM: stops it if needed and removes it from the inventory.
     *
     * @throws VmException if the VM is unknown or migrating
     */
    void delete(String id) throws VmException;

    /**
     * Changes what the guest does; a running VM's vCPUs switch at their next quantum.
     *
     * @throws VmException if the VM is unknown or migrating
     */
    VmInfo setWorkload(String id, WorkloadSpec workload) throws VmException;
}
