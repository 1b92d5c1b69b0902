/**
 * Block caching: the {@link io.vstack.api.cache.EvictionPolicy} SPI (policies are plug-ins,
 * found by whiteboard through {@link io.vstack.api.cache.EvictionPolicyFactory}) and the
 * host-wide {@link io.vstack.api.cache.BlockCache}, keyed by (disk id, block number).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.vstack.api.cache;
