package io.vstack.api.trust;

import java.net.URI;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The one approved way to install a binary: verify it, record it in the trust store, then
 * install and start it.
 * <p>Thread-safe; methods block on I/O (reading the artifact, writing the store).
 */
@ProviderType
public interface TrustedInstaller {

    /**
     * Verifies, approves, installs and starts the bundle at {@code location}
     * ({@code mvn:}, {@code file:} or a URL).
     *
     * @param approver who approves it, recorded in the audit log
     * @throws TrustException naming the reason if it cannot be read or verified; nothing is recorded
     */
    TrustRecord install(URI location, String approver) throws TrustException;

    /**
     * Revokes the approval of a bundle, which stops it.
     *
     * @throws TrustException if there is no such approval
     */
    void revoke(String symbolicName, String version, String approver) throws TrustException;
}
