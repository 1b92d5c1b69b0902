/**
 * Guest and host memory.
 * <p>Address spaces on fixed-height page tables whose table pages are host page frames
 * ({@link io.vstack.api.memory.AddressSpace}, made by {@link io.vstack.api.memory.AddressSpaces}),
 * with demand faults, residency (reclaim to a swap file, fault back, pin) and fault statistics;
 * per-processor data areas reached through one fixed alias address
 * ({@link io.vstack.api.memory.PerCpuAreas}).
 * <p>Sharing between processes: a {@link io.vstack.api.memory.HandleBroker} keeps memory regions
 * (shared files), grants restricted, signed access to parts of them
 * ({@link io.vstack.api.memory.Grant}, {@link io.vstack.api.memory.Restrictions}) and maps a grant
 * into a {@link io.vstack.api.memory.MemoryHandle} whose {@link io.vstack.api.memory.Section}s are
 * mapped only when touched, so data moves by reference.
 * <p>Errors of this area are {@link io.vstack.api.memory.MemoryException}s that name the reason;
 * those of address spaces are {@link io.vstack.api.memory.AddressSpaceException}s: an unmapped
 * address, a protection violation, an overlapping mapping, an invalid range, a pinned page.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.vstack.api.memory;
