/**
 * Virtual machines: {@link io.vstack.api.vm.VmService} creates, starts, stops, suspends, resumes
 * and deletes VMs on hosts; a VM's guest is a {@link io.vstack.api.vm.WorkloadSpec configurable
 * workload} run by vCPU threads over real off-heap guest memory. {@link io.vstack.api.vm.VmMobility}
 * is what a migration mechanism uses to move a VM between hosts: dirty-page harvest, stun, vCPU
 * state, and an incoming VM at the destination. {@link io.vstack.api.vm.VmListener} and
 * {@link io.vstack.api.vm.DiskOwnership} are whiteboard hooks for other capabilities.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.vstack.api.vm;
