/**
 * Guest and host memory. Sharing between processes: a {@link io.vstack.api.memory.HandleBroker}
 * keeps memory regions (shared files), grants restricted, signed access to parts of them
 * ({@link io.vstack.api.memory.Grant}, {@link io.vstack.api.memory.Restrictions}) and maps a grant
 * into a {@link io.vstack.api.memory.MemoryHandle} whose {@link io.vstack.api.memory.Section}s are
 * mapped only when touched, so data moves by reference.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.vstack.api.memory;
