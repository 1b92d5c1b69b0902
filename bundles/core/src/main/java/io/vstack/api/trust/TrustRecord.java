package io.vstack.api.trust;

import java.time.Instant;
import java.util.Objects;

/**
 * An approval in the trust store.
 *
 * @param binary     what was approved
 * @param approver   who approved it: a user, {@code build} for the platform's own bundles, or
 *                   {@code signer:<dn>} for a signed bundle approved automatically
 * @param approvedAt when
 * @param revoked    whether the approval was revoked since
 */
public record TrustRecord(BinaryIdentity binary, String approver, Instant approvedAt, boolean revoked) {

    /**
     * @throws NullPointerException if a field is null
     */
    public TrustRecord {
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(approver, "approver");
        Objects.requireNonNull(approvedAt, "approvedAt");
    }
}
