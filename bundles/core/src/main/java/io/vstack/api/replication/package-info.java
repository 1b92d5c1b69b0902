/**
 * Replication of virtual disks to a recovery site: the primary tracks the blocks written in each
 * interval (the recovery point objective), seals them as a consistent delta and ships it over the
 * transport; the recovery site applies each delta as a new differencing disk on the disk's
 * recovery chain, so every link is a recovery point that can be test-failed-over or failed over to.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.vstack.api.replication;
