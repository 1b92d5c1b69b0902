package io.vstack.api.memory;

import java.util.Objects;

/**
 * A mapped handle as the broker sees it now.
 *
 * @param id             the handle's id
 * @param grantId        the grant it was mapped from
 * @param regionId       the region it maps part of
 * @param grantee        the grant's grantee
 * @param size           bytes the handle covers
 * @param sectionSize    bytes per section (the last may be shorter)
 * @param sections       sections in the handle
 * @param mappedSections sections mapped so far (each is mapped once, when first touched)
 * @param readOnly       mapped read-only
 * @param valid          not closed, and its grant and generation still hold
 */
public record HandleInfo(long id, String grantId, String regionId, String grantee, long size, long sectionSize,
                         int sections, int mappedSections, boolean readOnly, boolean valid) {

    /** @throws NullPointerException if a field is null */
    public HandleInfo {
        Objects.requireNonNull(grantId, "grantId");
        Objects.requireNonNull(regionId, "regionId");
        Objects.requireNonNull(grantee, "grantee");
    }
}
