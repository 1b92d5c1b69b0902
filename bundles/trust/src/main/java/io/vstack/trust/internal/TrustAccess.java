package io.vstack.trust.internal;

import io.vstack.api.trust.BinaryIdentity;
import io.vstack.api.trust.TrustException;
import io.vstack.api.trust.TrustRecord;
import io.vstack.api.trust.TrustedInstaller;
import io.vstack.api.trust.Verdict;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the {@code trust:} commands need beyond the public API: verdicts of the installed bundles,
 * signer keys, the audit log, the mode and repair. Internal to this bundle; registered as a service
 * so that Karaf's shell injects it into the commands. Thread-safe; every method may block on I/O.
 */
public interface TrustAccess extends TrustedInstaller {

    /** An installed bundle and its verdict. */
    record Row(long id, String symbolicName, String version, String state, Verdict verdict, Optional<String> sha256,
               Optional<String> signer, boolean platform) {
    }

    /** A trusted signer. */
    record SignerRow(String fingerprint, String subject, Instant addedAt, String addedBy) {
    }

    /**
     * A bundle of a feature approval.
     *
     * @param binary         what was verified
     * @param alreadyTrusted whether it was trusted before (a platform bundle, or approved with these bytes)
     */
    record Approval(BinaryIdentity binary, boolean alreadyTrusted) {
    }

    /** A journal entry. */
    record AuditRow(long seq, Instant time, String type, Map<String, String> fields) {
    }

    /**
     * Approves the bundles of a feature without installing them: reads and verifies every
     * artifact as {@link #install} does (if one fails, none is recorded), records an approval of
     * each one not trusted already, and audits the feature.
     *
     * @param feature   {@code name/version}, for the audit log
     * @param locations the feature's bundle locations
     */
    List<Approval> approveFeature(String feature, List<URI> locations, String approver) throws TrustException;

    /** Why the store failed its integrity check, if it did. */
    Optional<String> tampered();

    /** Every installed bundle with its verdict, by id. */
    List<Row> bundles();

    /** Every approval, oldest first. */
    List<TrustRecord> records();

    /** The trusted signers. */
    List<SignerRow> signers();

    /** Trusts the signer certificate in {@code certificateFile} (PEM or DER). */
    SignerRow addSigner(Path certificateFile, String by) throws TrustException;

    /** Stops trusting the signer whose fingerprint starts with {@code fingerprintPrefix}. */
    SignerRow removeSigner(String fingerprintPrefix, String by) throws TrustException;

    /** The journal, oldest first. */
    List<AuditRow> audit();

    /** {@code enforce} or {@code log-only}. */
    String mode();

    /** Sets the mode through Config Admin (persisted in etc/io.vstack.trust.cfg). */
    void setMode(String mode, String by) throws TrustException;

    /**
     * Moves the files of a store that failed its integrity check aside (journal, head, a damaged
     * key file) and starts an empty one; returns where they went.
     */
    List<Path> repair(String by) throws TrustException;
}
