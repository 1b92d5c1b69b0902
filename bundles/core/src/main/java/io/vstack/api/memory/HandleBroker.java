package io.vstack.api.memory;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Restricted sharing of memory between processes. Owners create regions (shared files); an owner
 * grants a byte range of its region to a grantee with {@link Restrictions}; the grantee maps the
 * grant's signed token into a {@link MemoryHandle}. Every grant, map, refusal and revocation is
 * written to the broker's audit log.
 * <p>Enforcement is by what is mapped and how: only the grant's range of the file is ever mapped
 * for it, read-only grants are mapped read-only. Revocation stops new maps and flips the grant's
 * revocation word that mapped handles {@linkplain MemoryHandle#check() check}; a hard revoke also
 * replaces the region's backing file with a copy, so that what a revoked holder still has mapped
 * no longer reaches the region (it revokes every grant of the region).
 * <p><b>Threads.</b> Thread-safe. <b>Errors.</b> Refusals are {@link MemoryException}s with a
 * one-line message and change nothing.
 */
@ProviderType
public interface HandleBroker {

    /**
     * Creates a zeroed region of {@code size} bytes owned by {@code owner} (sparse: it takes memory only as written).
     *
     * @throws InvalidRangeException if {@code size} is not a positive multiple of 4096 or too large
     * @throws MemoryException if the file cannot be created
     */
    MemoryRegion createRegion(String owner, long size) throws MemoryException;

    /**
     * Deletes a region: revokes its grants, closes its handles and deletes its file.
     *
     * @throws MemoryException if there is no such region
     */
    void deleteRegion(String regionId) throws MemoryException;

    /**
     * Grants {@code length} bytes at {@code offset} of a region to {@code grantee}.
     *
     * @param owner who asks; must be the region's owner
     * @throws GrantRefusedException with {@code NOT_OWNER} if {@code owner} does not own the region
     * @throws InvalidRangeException if the range is not page-aligned or not inside the region
     * @throws MemoryException if there is no such region, or it has too many live grants
     */
    Grant grant(String regionId, String owner, String grantee, long offset, long length, Restrictions restrictions)
            throws MemoryException;

    /**
     * Passes on a narrower grant from the grant {@code token}: {@code offset} is relative to the
     * parent's range; the child may not be writable if the parent is read-only, expire later, or
     * allow more maps. Revoking the parent revokes the child.
     *
     * @throws GrantRefusedException if the parent does not verify or does not allow it
     * @throws InvalidRangeException if the range is not inside the parent's
     */
    Grant regrant(String token, String grantee, long offset, long length, Restrictions restrictions)
            throws MemoryException;

    /**
     * Verifies a grant token and maps it into a handle (no section is mapped yet).
     *
     * @throws GrantRefusedException if the token is forged, expired, revoked or used up
     * @throws MemoryFaultException if the region's file is shorter than the grant's range
     */
    MemoryHandle map(String token) throws MemoryException;

    /**
     * Revokes a grant and those re-granted from it.
     *
     * @param hard also replace the region's backing file (revokes every grant of the region)
     * @throws MemoryException if there is no such grant, or the file cannot be replaced
     */
    void revoke(String grantId, boolean hard) throws MemoryException;

    /** The regions, by id. */
    List<MemoryRegion> regions();

    /** The live grants and the most recently revoked ones, by issue time. */
    List<GrantStatus> grants();

    /** The handles mapped and not closed, by id. */
    List<HandleInfo> handles();

    /** Bytes copied by the memory service since it started: every copy it makes is counted. */
    long bytesCopied();
}
