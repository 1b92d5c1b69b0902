package io.vstack.api.memory;

/**
 * Figures of an {@link AddressSpace} at one moment.
 *
 * @param name          the space's name
 * @param host          the host whose frames back it
 * @param mappings      live mappings (virtual address descriptors)
 * @param mappedBytes   bytes covered by mappings
 * @param residentPages pages in host frames now
 * @param swappedPages  reclaimed pages whose bytes are in the swap file
 * @param pinnedPages   resident pages pinned now
 * @param tablePages    page-table pages (host frames) in use, the top-level table included
 */
public record AddressSpaceInfo(String name, String host, long mappings, long mappedBytes, long residentPages,
                               long swappedPages, long pinnedPages, long tablePages) {

    /**
     * @throws IllegalArgumentException if a count is negative
     */
    public AddressSpaceInfo {
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(host, "host");
        if (mappings < 0 || mappedBytes < 0 || residentPages < 0 || swappedPages < 0 || pinnedPages < 0 || tablePages < 0) {
            throw new IllegalArgumentException("negative count in the figures of address space " + name);
        }
    }
}
