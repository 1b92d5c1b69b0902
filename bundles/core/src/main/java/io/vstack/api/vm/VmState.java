package io.vstack.api.vm;

/** The power state of a VM. */
public enum VmState {
    /** Defined, holding no memory and running no vCPU. Where every VM is after a restart. */
    STOPPED,
    /** vCPUs run the guest workload over guest memory held on the VM's host. */
    RUNNING,
    /** Guest memory is held, every vCPU is parked. */
    SUSPENDED,
    /** Running at its host while a migration copies it away (source side). */
    MIGRATING,
    /** Being received at a destination host; not yet running (destination side). */
    INCOMING
}
