/**
 * Memory: address spaces on fixed-height page tables whose table pages are host page frames
 * ({@link io.vstack.api.memory.AddressSpace}, made by {@link io.vstack.api.memory.AddressSpaces}),
 * with demand faults, residency (reclaim to a swap file, fault back, pin) and fault statistics;
 * per-processor data areas reached through one fixed alias address
 * ({@link io.vstack.api.memory.PerCpuAreas}).
 * <p>Errors of this area are {@link io.vstack.api.memory.AddressSpaceException} subtypes that name
 * the reason: an unmapped address, a protection violation, an overlapping mapping, an invalid range,
 * a pinned page.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.vstack.api.memory;
