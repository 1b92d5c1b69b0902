/**
 * Virtual disks: the {@link io.vstack.api.disk.DiskManager} service creates, lists and deletes
 * them; a {@link io.vstack.api.disk.VirtualDisk} is opened into
 * {@link io.vstack.api.disk.DiskHandle}s through which I/O flows down the disk's filter chain to
 * its backing store.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.vstack.api.disk;
