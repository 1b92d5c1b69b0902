package io.vstack.trust.internal;

import io.vstack.api.trust.BinaryIdentity;
import io.vstack.api.trust.TaintReason;
import io.vstack.api.trust.TrustException;
import io.vstack.api.trust.TrustRecord;
import io.vstack.api.trust.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides whether one installed bundle may run, from the bytes at its location and the manifest
 * of the installed revision: platform digest, allow-list, trust store, and finally a trusted jar
 * signature, which approves the bundle automatically (approver {@code signer:<dn>}), also a rebuild
 * of an approved bundle whose bytes or manifest changed.
 */
final class BundleEvaluator {

    /** The facts about an installed bundle the evaluation needs. */
    record BundleFacts(long id, String symbolicName, String location, Optional<String> installedManifestSha256) {
    }

    /**
     * The outcome for one bundle.
     *
     * @param verdict  trusted or why not
     * @param identity the identity read from its jar, when it could be read
     * @param platform whether it is one of the platform's own bundles
     */
    record Evaluation(Verdict verdict, Optional<BinaryIdentity> identity, boolean platform) {
        boolean trusted() {
            return verdict.trusted();
        }
    }

    private final BundleSource source;
    private final FileTrustStore store;
    private final Supplier<PlatformDigests> platform;
    private final Supplier<TrustConfig> config;
    private final Path tmpDir;
    private final Instant platformApprovedAt;

    BundleEvaluator(BundleSource source, FileTrustStore store, Supplier<PlatformDigests> platform,
                    Supplier<TrustConfig> config, Path tmpDir, Instant platformApprovedAt) {
        this.source = source;
        this.store = store;
        this.platform = platform;
        this.config = config;
        this.tmpDir = tmpDir;
        this.platformApprovedAt = platformApprovedAt;
    }

    Evaluation evaluate(BundleFacts bundle) {
        Optional<String> allowedBy = config.get().allowed(bundle.symbolicName());
        if (allowedBy.isPresent()) {
            BinaryIdentity identity = placeholder(bundle);
            return new Evaluation(new Verdict.Trusted(new TrustRecord(identity,
                    "config:allowSymbolicNames=" + allowedBy.get(), platformApprovedAt, false)), Optional.of(identity), false);
        }
        byte[] jar;
        Optional<Path> file;
        try {
            BundleSource.Fetched fetched = source.fetch(bundle.location());
            jar = fetched.bytes();
            file = fetched.file();
        } catch (IOException | RuntimeException e) {
            boolean known = store.records().stream().anyMatch(r -> r.binary().location().equals(bundle.location()));
            return tainted(known ? TaintReason.CONTENT_CHANGED : TaintReason.NOT_APPROVED,
                    "cannot read its jar at " + bundle.location() + ": " + Signers.oneLine(e.getMessage()));
        }
        JarInspection jarInfo;
        try {
            jarInfo = file.isPresent() ? JarInspection.of(jar, file.get()) : JarInspection.of(jar);
        } catch (TrustException e) {
            boolean known = store.records().stream().anyMatch(r -> r.binary().location().equals(bundle.location())
                    || r.binary().symbolicName().equals(bundle.symbolicName()));
            return tainted(known ? TaintReason.CONTENT_CHANGED : TaintReason.NOT_APPROVED, (known
                    ? "content changed since approval (sha256 " + FileTrustStore.shortSha(Sha256.of(jar)) + "): " : "")
                    + "its jar at " + bundle.location() + " is " + e.getMessage());
        }
        BinaryIdentity identity = jarInfo.identity(bundle.location(), Optional.empty());
        if (bundle.installedManifestSha256().isPresent()
                && !bundle.installedManifestSha256().get().equals(jarInfo.manifestSha256())) {
            return new Evaluation(new Verdict.Tainted(TaintReason.METADATA_CHANGED,
                    "the installed bundle's manifest differs from its jar at " + bundle.location()), Optional.of(identity), false);
        }
        if (platform.get().path(jarInfo.contentSha256()).isPresent()) {
            return new Evaluation(new Verdict.Trusted(new TrustRecord(identity, "build", platformApprovedAt, false)),
                    Optional.of(identity), true);
        }
        Verdict verdict = store.verdict(identity);
        if (verdict.trusted() || !signatureMayApprove(((Verdict.Tainted) verdict).reason())) {
            return new Evaluation(verdict, Optional.of(identity), false);
        }
        TaintReason reason = ((Verdict.Tainted) verdict).reason();
        if (!jarInfo.hasSignatureFiles()) {
            return new Evaluation(reason == TaintReason.NOT_APPROVED ? new Verdict.Tainted(TaintReason.UNSIGNED,
                    "not approved and not signed: approve it with trust:install " + bundle.location()
                            + ", or sign it with a trusted key") : verdict, Optional.of(identity), false);
        }
        List<X509Certificate> signers;
        try {
            signers = JarInspection.signers(jar, tmpDir);
        } catch (TrustException e) {
            return new Evaluation(new Verdict.Tainted(TaintReason.UNTRUSTED_SIGNER, e.getMessage()), Optional.of(identity), false);
        }
        for (X509Certificate certificate : signers) {
            if (store.trustedSigner(certificate).isPresent()) {
                String dn = Signers.subject(certificate);
                BinaryIdentity signed = jarInfo.identity(bundle.location(), Optional.of(dn));
                try {
                    TrustRecord record = store.approve(signed, "signer:" + dn);
                    return new Evaluation(new Verdict.Trusted(record), Optional.of(signed), false);
                } catch (TrustException e) {
                    return new Evaluation(new Verdict.Tainted(TaintReason.STORE_TAMPERED, e.getMessage()),
                            Optional.of(signed), false);
                }
            }
        }
        String who = signers.isEmpty() ? "nobody" : Signers.subject(signers.get(0));
        Optional<BinaryIdentity> seen = Optional.of(jarInfo.identity(bundle.location(),
                signers.isEmpty() ? Optional.empty() : Optional.of(who)));
        if (reason != TaintReason.NOT_APPROVED) {
            return new Evaluation(verdict, seen, false);
        }
        return new Evaluation(new Verdict.Tainted(TaintReason.UNTRUSTED_SIGNER, "signed by " + who
                + ", not a trusted signer (trust:keys add <certificate>)"), seen, false);
    }

    /**
     * Whether a jar signed by a trusted signer is approved despite the store's verdict: a binary
     * never approved, and a rebuild of an approved one (new bytes or a new manifest at the same
     * name or location: the edit/deploy loop of a signed filter). A revoked approval and a
     * tampered store are never overridden.
     */
    private static boolean signatureMayApprove(TaintReason reason) {
        return reason == TaintReason.NOT_APPROVED || reason == TaintReason.CONTENT_CHANGED
                || reason == TaintReason.METADATA_CHANGED;
    }

    private static Evaluation tainted(TaintReason reason, String detail) {
        return new Evaluation(new Verdict.Tainted(reason, detail), Optional.empty(), false);
    }

    private static BinaryIdentity placeholder(BundleFacts bundle) {
        return new BinaryIdentity(bundle.location(), bundle.symbolicName(), "0.0.0", "0".repeat(64), "0".repeat(64),
                Optional.empty());
    }
}
