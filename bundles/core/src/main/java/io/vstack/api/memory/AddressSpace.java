package io.vstack.api.memory;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A process's or VM's virtual address space of {@link #SIZE} bytes (48-bit addresses) in pages of
 * {@link #PAGE_SIZE} bytes, translated by fixed-height page tables (4 levels of 512 entries) whose
 * table pages are frames of the host's physical memory. A mapping ({@link #map}) only tags page-table
 * entries; a page gets a frame on its first access (a demand fault), and the fault finds the mapping
 * on its walk, in at most four indexed loads, whatever the number of mappings.
 * <p>Addresses and lengths are bytes, page aligned. The top 512 GiB of the space,
 * [{@link #ALIAS_WINDOW}, {@link #SIZE}), is reserved for the per-CPU data area alias
 * ({@link PerCpuAreas}) and cannot be mapped.
 * <p><b>Threads.</b> Thread-safe. Loads and stores to resident pages from many threads proceed in
 * parallel; faults and changes of the mappings are serialized per space. Nothing blocks beyond a
 * short critical section, except a fault that reads a reclaimed page back from the swap file.
 */
@ProviderType
public interface AddressSpace {

    /** Page size: 4 KiB, the host's frame size. */
    int PAGE_SIZE = 4096;

    /** Size of the space: 2^48 bytes. */
    long SIZE = 1L << 48;

    /** Start of the per-CPU alias window: the last top-level entry's 512 GiB, never mappable. */
    long ALIAS_WINDOW = SIZE - (1L << 39);

    /** The space's name, unique among the spaces of this process. */
    String name();

    /** The host whose physical memory backs the space's pages and page tables. */
    String host();

    /**
     * Maps [{@code address}, {@code address + length}) with {@code protection}. No frame is taken:
     * the covering page-table entries are tagged, at the coarsest level that fits.
     *
     * @throws InvalidRangeException if the range is not page aligned, empty, negative, overflowing or
     *         outside [0, {@link #ALIAS_WINDOW})
     * @throws OverlappingMappingException if any page of the range is mapped already
     * @throws AddressSpaceException if a page-table frame cannot be had
     */
    void map(long address, long length, Protection protection) throws AddressSpaceException;

    /**
     * Unmaps [{@code address}, {@code address + length}): resident pages give their frames back,
     * reclaimed pages their swap slots. Pages in the range that are not mapped are left alone.
     *
     * @throws InvalidRangeException as for {@link #map}
     * @throws PinnedPageException if a page of the range is pinned; nothing is unmapped then
     */
    void unmap(long address, long length) throws AddressSpaceException;

    /**
     * Changes the protection of every page of [{@code address}, {@code address + length}).
     *
     * @throws InvalidRangeException as for {@link #map}
     * @throws UnmappedAddressException if a page of the range is not mapped; nothing changes then
     */
    void protect(long address, long length, Protection protection) throws AddressSpaceException;

    /**
     * Handles a page fault: makes the page holding {@code address} resident for {@code access}
     * (taking a zeroed frame, or reading a reclaimed page back) and installs its entry. A fault on a
     * page that is resident already and allows the access changes nothing.
     *
     * @throws UnmappedAddressException if no mapping covers the address
     * @throws ProtectionViolationException if the mapping does not allow {@code access}
     * @throws InvalidRangeException if the address is negative or beyond the space
     * @throws AddressSpaceException if no frame can be had
     */
    void fault(long address, Access access) throws AddressSpaceException;

    /**
     * Loads the 8 bytes at {@code address} (8-byte aligned), faulting the page in if needed.
     *
     * @throws AddressSpaceException as for {@link #fault} with {@link Access#READ}, or
     *         {@link InvalidRangeException} if the address is not 8-byte aligned
     */
    long load(long address) throws AddressSpaceException;

    /**
     * Stores {@code value} at {@code address} (8-byte aligned), faulting the page in if needed.
     *
     * @throws AddressSpaceException as for {@link #fault} with {@link Access#WRITE}, or
     *         {@link InvalidRangeException} if the address is not 8-byte aligned
     */
    void store(long address, long value) throws AddressSpaceException;

    /**
     * A view of the page at {@code address} (position 0, limit {@link #PAGE_SIZE}), faulted in for
     * {@code access}; read-only for {@link Access#READ}. The view stays valid while the page is
     * resident: a reclaim or unmap of the page makes writes through it lost and reads undefined,
     * so callers that keep views {@linkplain PageResidency#pin pin} the pages.
     *
     * @throws AddressSpaceException as for {@link #fault}
     */
    ByteBuffer page(long address, Access access) throws AddressSpaceException;

    /** Residency control of this space's pages: reclaim, pin. */
    PageResidency residency();

    /** A snapshot of the space's figures. */
    AddressSpaceInfo info();

    /** A snapshot of the space's page-fault counters and latency histogram. */
    PageFaultStats faultStats();
}
