package io.vstack.api.memory;

import java.time.Instant;
import java.util.Objects;

/**
 * Access to a byte range of one memory region, issued by a {@link HandleBroker} to a grantee.
 * The {@link #token()} carries every field signed with the broker's key (HMAC-SHA256): it is what
 * travels to the grantee and what {@link HandleBroker#map} accepts; changing any of its bytes makes
 * it a forgery.
 *
 * @param id           128-bit random id, in hex
 * @param regionId     the region the range is in
 * @param grantee      who the grant is for (a name, for the audit log and the tables)
 * @param parentId     the grant this one was re-granted from, or an empty string
 * @param offset       start of the range in the region, a multiple of the page size (4096)
 * @param length       bytes in the range, a positive multiple of the page size
 * @param restrictions what the grant forbids
 * @param issuedAt     when the broker signed it
 * @param token        the signed form
 */
public record Grant(String id, String regionId, String grantee, String parentId, long offset, long length,
                    Restrictions restrictions, Instant issuedAt, String token) {

    /** @throws NullPointerException if a field is null */
    public Grant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(regionId, "regionId");
        Objects.requireNonNull(grantee, "grantee");
        Objects.requireNonNull(parentId, "parentId");
        Objects.requireNonNull(restrictions, "restrictions");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(token, "token");
    }
}
