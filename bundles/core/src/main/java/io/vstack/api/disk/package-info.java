/**
 * Virtual disks: the {@link io.vstack.api.disk.DiskManager} service creates, lists and deletes
 * them; a {@link io.vstack.api.disk.VirtualDisk} is opened into
 * {@link io.vstack.api.disk.DiskHandle}s through which I/O flows down the disk's filter chain to
 * its backing store. {@link io.vstack.api.disk.DiskOwners} (since 1.3.0) says which host owns
 * a disk ({@link io.vstack.api.disk.OwnerRecord}) and moves it between hosts by collaborative
 * release; writes through a handle of an older ownership epoch are refused.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package io.vstack.api.disk;
