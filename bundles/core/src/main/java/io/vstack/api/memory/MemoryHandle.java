package io.vstack.api.memory;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A mapped grant: the holder's view of part of another party's memory, never more than the
 * grant's range. It is divided into sections of {@link #sectionSize()} bytes, each mapped the
 * first time a request touches it; data is used where it lies (by reference).
 * <p><b>Threads.</b> Thread-safe. <b>Revocation.</b> {@link #check()} reads the revocation word
 * and the region generation the broker keeps in the region's header; a holder checks before it
 * uses the bytes for a request.
 */
@ProviderType
public interface MemoryHandle extends AutoCloseable {

    /** The handle's id, unique in its broker. */
    long id();

    /** The grant it was mapped from. */
    Grant grant();

    /** Bytes the handle covers (the grant's length). */
    long size();

    /** Bytes per section. */
    long sectionSize();

    /** Sections in the handle. */
    int sectionCount();

    /** Sections mapped so far. */
    int mappedSections();

    /** Whether the handle is mapped read-only. */
    boolean readOnly();

    /**
     * Section {@code index}, mapped now if it was not yet.
     *
     * @throws InvalidRangeException if there is no such section
     * @throws HandleRevokedException if the handle is closed
     * @throws MemoryFaultException if the backing file is shorter than the section (truncated) or cannot be mapped
     */
    Section section(int index) throws MemoryException;

    /**
     * A buffer over {@code length} bytes at {@code offset} in the handle (position 0), mapping
     * their section if needed; read-only when the handle is.
     *
     * @throws InvalidRangeException if the range is negative, beyond the handle, or crosses a section boundary
     * @throws HandleRevokedException if the handle is closed
     * @throws MemoryFaultException as {@link #section}
     */
    ByteBuffer slice(long offset, int length) throws MemoryException;

    /**
     * Checks that the grant still holds.
     *
     * @throws HandleRevokedException if it was revoked, the region was replaced, or the handle is closed
     */
    void check() throws HandleRevokedException;

    /** Unmaps nothing at once (the JVM unmaps when the buffers are collected) but ends every use. Idempotent. */
    @Override
    void close();
}
