package io.vstack.api.memory;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Which pages of an {@link AddressSpace} are in host frames. A reclaimed page's bytes go to the
 * space's swap file and its frame back to the host; the next access faults them back in. A pinned
 * page stays resident at the same frame until unpinned (device DMA relies on it).
 * <p>Thread-safe; serialized with the space's faults. Reclaim writes to the swap file.
 */
@ProviderType
public interface PageResidency {

    /**
     * Reclaims every resident, unpinned page of [{@code address}, {@code address + length}).
     *
     * @return the number of pages reclaimed
     * @throws InvalidRangeException if the range is not page aligned or outside the space
     * @throws AddressSpaceException if the swap file cannot be written (nothing is lost: the page stays)
     */
    long reclaim(long address, long length) throws AddressSpaceException;

    /**
     * Faults in and pins every page of the range: they stay resident at their frames until
     * {@link #unpin}. Pins nest: a page pinned twice needs two unpins.
     *
     * @return the host frame numbers of the range's pages, in address order
     * @throws AddressSpaceException as for {@link AddressSpace#fault} with {@link Access#READ}; pins
     *         taken before a failing page are released again
     */
    long[] pin(long address, long length) throws AddressSpaceException;

    /**
     * Releases one pin of every page of the range.
     *
     * @throws InvalidRangeException if the range is not page aligned or outside the space
     * @throws UnmappedAddressException if a page of the range is not pinned; nothing changes then
     */
    void unpin(long address, long length) throws AddressSpaceException;
}
