/**
 * The storage backend SPI: a {@link io.vstack.api.storage.StorageBackend} service per backend
 * (SAN, NFS, vSAN, cloud, local, shared, or any new type a backend names) creates and opens {@link io.vstack.api.storage.BlockStore}s,
 * the byte stores under virtual disks. Backends are found by whiteboard, by
 * {@link io.vstack.api.storage.StorageBackend#TYPE_PROPERTY}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package io.vstack.api.storage;
