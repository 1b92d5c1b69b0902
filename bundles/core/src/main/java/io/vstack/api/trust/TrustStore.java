package io.vstack.api.trust;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The persisted, integrity-protected record of approved binaries.
 * <p>Thread-safe. {@link #verdict} does not block on I/O; it fails closed (a
 * {@link TaintReason#STORE_TAMPERED} verdict) if the store could not be verified.
 */
@ProviderType
public interface TrustStore {

    /** Whether the binary may run, and if not, why. */
    Verdict verdict(BinaryIdentity binary);

    /** Every approval, oldest first, revoked ones included. */
    List<TrustRecord> records();
}
