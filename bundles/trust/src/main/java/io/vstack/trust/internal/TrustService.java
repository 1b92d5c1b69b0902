package io.vstack.trust.internal;

import io.vstack.api.trust.BinaryIdentity;
import io.vstack.api.trust.TrustException;
import io.vstack.api.trust.TrustRecord;
import io.vstack.api.trust.TrustStore;
import io.vstack.api.trust.Verdict;
import io.vstack.trust.internal.BundleEvaluator.Evaluation;
import io.vstack.trust.internal.TrustConfig.Mode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enforcement engine and the approved installer. The framework hooks ask it whether a bundle
 * may resolve ({@link #mayResolve}) or start ({@link #onStarting}); it evaluates each bundle once
 * per change ({@link EvaluationCache}), logs and audits each refusal once, and in {@code enforce}
 * mode has a tainted bundle that is already resolved put in {@link Quarantine}.
 * <p>Thread-safe.
 */
final class TrustService implements TrustStore, TrustAccess {

    private static final Logger LOG = LoggerFactory.getLogger(TrustService.class);

    private final BundleContext context;
    private final FileTrustStore store;
    private final BundleSource source;
    private final Path storeDir;
    private final EvaluationCache evaluations;
    private final Quarantine quarantine;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private volatile TrustConfig config;
    private final PlatformDigests platform;

    TrustService(BundleContext context, TrustConfig config, FileTrustStore store, BundleSource source,
                 PlatformDigests platform, Path storeDir, java.time.Instant platformApprovedAt) {
        this.context = context;
        this.config = config;
        this.store = store;
        this.source = source;
        this.platform = platform;
        this.storeDir = storeDir;
        this.evaluations = new EvaluationCache(new BundleEvaluator(source, store, () -> platform, () -> this.config,
                storeDir.resolve("tmp"), platformApprovedAt), source, store);
        this.quarantine = new Quarantine(context, store);
    }

    // ---- configuration -------------------------------------------------------------------

    TrustConfig config() {
        return config;
    }

    PlatformDigests platform() {
        return platform;
    }

    FileTrustStore store() {
        return store;
    }

    Path storeDir() {
        return storeDir;
    }

    /** Applies a new configuration; mode and allow-list take effect at once. */
    void configure(TrustConfig next, String by) {
        TrustConfig previous = config;
        config = next;
        evaluations.invalidateAll();
        if (!next.storeDir().equals(previous.storeDir()) || !next.keyFile().equals(previous.keyFile())
                || !next.platformDigests().equals(previous.platformDigests())) {
            LOG.warn("Trust configuration: storeDir, keyFile and platformDigests take effect when io.vstack.trust restarts");
        }
        if (!next.allowSymbolicNames().isEmpty() && !next.allowSymbolicNames().equals(previous.allowSymbolicNames())) {
            LOG.warn("Trust allow-list active, bundles trusted by name without approval: {} (test harnesses only)",
                    next.allowSymbolicNames());
        }
        if (next.mode() != previous.mode()) {
            LOG.info("Trust mode {} -> {} ({})", previous.mode(), next.mode(), by);
            store.auditQuietly(FileTrustStore.MODE, Map.of("mode", next.mode().toString(), "by", by));
            if (next.mode() == Mode.ENFORCE) {
                quarantine.execute(this::scanAll);
            }
        }
    }

    // ---- enforcement ---------------------------------------------------------------------

    /** The evaluation of {@code bundle}, from the cache when nothing it depends on changed. */
    Evaluation evaluate(Bundle bundle) {
        return evaluations.evaluate(bundle);
    }

    /** Resolver hook: whether {@code bundle} may resolve; refusals are logged and audited once. */
    boolean mayResolve(Bundle bundle) {
        Evaluation evaluation = evaluate(bundle);
        if (evaluation.trusted()) {
            return true;
        }
        refuse(bundle, evaluation, "resolve");
        return config.mode() == Mode.LOG_ONLY;
    }

    /** Start check: a bundle tainted after it resolved is denied and quarantined. */
    void onStarting(Bundle bundle) {
        Evaluation evaluation = evaluate(bundle);
        if (!evaluation.trusted() && !isSelf(bundle)) {
            refuse(bundle, evaluation, "start");
            if (config.mode() == Mode.ENFORCE) {
                quarantine.later(bundle, evaluation);
            }
        }
    }

    /** This bundle is never quarantined by itself: stopping it is how enforcement is switched off. */
    private boolean isSelf(Bundle bundle) {
        return bundle.getBundleId() == context.getBundle().getBundleId();
    }

    /** Weaving hook: whether classes of {@code bundleId} may be defined. */
    boolean classesDenied(long bundleId) {
        return quarantine.classesDenied(bundleId);
    }

    /** Drops the cached evaluation of a bundle (installed, updated, uninstalled). */
    void forget(long bundleId) {
        evaluations.forget(bundleId);
    }

    /** Evaluates every installed bundle; in enforce mode quarantines the tainted ones that resolved before. */
    void scanAll() {
        long started = System.nanoTime();
        int tainted = 0;
        for (Bundle bundle : context.getBundles()) {
            Evaluation evaluation = evaluate(bundle);
            if (evaluation.trusted()) {
                continue;
            }
            tainted++;
            refuse(bundle, evaluation, "scan");
            if (config.mode() == Mode.ENFORCE && !isSelf(bundle) && (bundle.getState() & (Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE)) != 0) {
                quarantine.later(bundle, evaluation);
            }
        }
        LOG.info("Trust scan: {} bundles checked, {} not trusted, in {} ms (mode {})", context.getBundles().length,
                tainted, (System.nanoTime() - started) / 1_000_000, config.mode());
    }

    private void refuse(Bundle bundle, Evaluation evaluation, String at) {
        Verdict.Tainted tainted = (Verdict.Tainted) evaluation.verdict();
        String sha = evaluation.identity().map(BinaryIdentity::contentSha256).orElse("-");
        String key = bundle.getBundleId() + "|" + sha + "|" + tainted.reason();
        if (!logged.add(key)) {
            return;
        }
        String action = config.mode() == Mode.ENFORCE ? "refused" : "would be refused (log-only)";
        LOG.warn("Bundle {} {} [{}] {} at {}: {} - {}", bundle.getBundleId(), bundle.getSymbolicName(),
                bundle.getLocation(), action, at, tainted.reason(), tainted.detail());
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("loc", bundle.getLocation());
        fields.put("bsn", String.valueOf(bundle.getSymbolicName()));
        fields.put("sha", sha);
        fields.put("reason", tainted.reason().name());
        fields.put("detail", tainted.detail());
        fields.put("mode", config.mode().toString());
        store.auditRefusalOnce(fields);
    }

    // ---- TrustStore ----------------------------------------------------------------------

    @Override
    public Verdict verdict(BinaryIdentity binary) {
        if (platform.path(binary.contentSha256()).isPresent()) {
            return new Verdict.Trusted(new TrustRecord(binary, "build", java.time.Instant.EPOCH, false));
        }
        return store.verdict(binary);
    }

    @Override
    public List<TrustRecord> records() {
        return store.records();
    }

    // ---- TrustedInstaller ----------------------------------------------------------------

    @Override
    public TrustRecord install(URI location, String approver) throws TrustException {
        Verified verified = verify(location);
        BinaryIdentity identity = verified.identity();
        String where = identity.location();
        TrustRecord record = store.approve(identity, approver);
        LOG.info("Approved {} {} from {} (sha256 {}) by {}", identity.symbolicName(), identity.version(), where,
                identity.contentSha256(), approver);
        Bundle bundle;
        try {
            bundle = context.getBundle(where);
            if (bundle != null) {
                // Re-approval of a tainted (or older) bundle at this location: update it in place,
                // so that it keeps its id (fileinstall, which may have installed it from deploy/,
                // goes on tracking it) and the approved bytes become its new revision.
                quarantine.release(bundle.getBundleId());
                forget(bundle.getBundleId());
                bundle.update(new ByteArrayInputStream(verified.jar()));
                quarantine.refreshAndWait(List.of(bundle));
            } else {
                bundle = context.installBundle(where, new ByteArrayInputStream(verified.jar()));
            }
            forget(bundle.getBundleId());
            bundle.start();
        } catch (BundleException | IllegalStateException e) {
            throw new TrustException("approved " + identity.symbolicName() + " " + identity.version()
                    + ", but it did not install or start: " + Signers.oneLine(e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustException("interrupted while installing " + where, e);
        }
        return record;
    }

    @Override
    public List<Approval> approveFeature(String feature, List<URI> locations, String approver) throws TrustException {
        List<BinaryIdentity> verified = new ArrayList<>(locations.size());
        for (URI location : locations) {
            verified.add(verify(location).identity());
        }
        List<Approval> approvals = new ArrayList<>(verified.size());
        for (BinaryIdentity identity : verified) {
            boolean alreadyTrusted = verdict(identity).trusted();
            if (!alreadyTrusted) {
                store.approve(identity, approver);
            }
            approvals.add(new Approval(identity, alreadyTrusted));
        }
        long approved = approvals.stream().filter(a -> !a.alreadyTrusted()).count();
        store.auditQuietly(FileTrustStore.FEATURE, Map.of("feature", feature, "approved", String.valueOf(approved),
                "trusted", String.valueOf(approvals.size() - approved), "by", approver));
        LOG.info("Approved feature {} by {}: {} bundles approved, {} trusted already", feature, approver, approved,
                approvals.size() - approved);
        return approvals;
    }

    /** An artifact read once and verified: the bytes to install and what was verified of them. */
    private record Verified(byte[] jar, BinaryIdentity identity) {
    }

    /** Reads the artifact at {@code location} once and verifies it (a signed jar must be signed by a trusted signer). */
    private Verified verify(URI location) throws TrustException {
        if (location == null || location.getScheme() == null) {
            throw new TrustException("'" + location + "' is not a URL: give mvn:group/artifact/version, file:/path.jar or http(s)://...");
        }
        String where = location.toString();
        byte[] jar;
        try {
            jar = source.read(where);
        } catch (IOException | RuntimeException e) {
            throw new TrustException("cannot read " + where + ": " + Signers.oneLine(e.getMessage()), e);
        }
        JarInspection jarInfo = JarInspection.of(jar);
        Optional<String> signer = Optional.empty();
        if (jarInfo.hasSignatureFiles()) {
            List<X509Certificate> signers = JarInspection.signers(jar, storeDir.resolve("tmp"));
            Optional<X509Certificate> trusted = signers.stream().filter(c -> store.trustedSigner(c).isPresent()).findFirst();
            if (trusted.isEmpty()) {
                throw new TrustException(where + " is signed by " + (signers.isEmpty() ? "nobody" : Signers.subject(signers.get(0)))
                        + ", not a trusted signer; add its certificate with trust:keys add <file>");
            }
            signer = Optional.of(Signers.subject(trusted.get()));
        } else if (config.requireSignature()) {
            throw new TrustException(where + " is not signed, and requireSignature is set: sign it with a trusted key");
        }
        return new Verified(jar, jarInfo.identity(where, signer));
    }

    @Override
    public void revoke(String symbolicName, String version, String approver) throws TrustException {
        List<TrustRecord> revoked = store.revoke(symbolicName, Optional.ofNullable(version), approver);
        LOG.warn("Revoked {} approval(s) of {} {} by {}", revoked.size(), symbolicName, version == null ? "" : version, approver);
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())
                    && (version == null || version.equals(bundle.getVersion().toString()))) {
                forget(bundle.getBundleId());
                Evaluation evaluation = evaluate(bundle);
                if (!evaluation.trusted()) {
                    refuse(bundle, evaluation, "revoke");
                    quarantine.now(bundle, evaluation);
                }
            }
        }
    }

    // ---- TrustAccess ---------------------------------------------------------------------

    @Override
    public Optional<String> tampered() {
        return store.tampered();
    }

    @Override
    public List<Row> bundles() {
        List<Row> rows = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            Evaluation evaluation = evaluate(bundle);
            Optional<BinaryIdentity> identity = evaluation.identity();
            Optional<String> sha = identity.map(BinaryIdentity::contentSha256).filter(s -> !s.equals(EvaluationCache.NO_DIGEST));
            Optional<String> signer = evaluation.verdict() instanceof Verdict.Trusted trusted
                    ? trusted.record().binary().signer() : identity.flatMap(BinaryIdentity::signer);
            rows.add(new Row(bundle.getBundleId(), String.valueOf(bundle.getSymbolicName()), bundle.getVersion().toString(),
                    state(bundle.getState()), evaluation.verdict(), sha, signer, evaluation.platform()));
        }
        return rows;
    }

    private static String state(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "Installed";
            case Bundle.RESOLVED -> "Resolved";
            case Bundle.STARTING -> "Starting";
            case Bundle.STOPPING -> "Stopping";
            case Bundle.ACTIVE -> "Active";
            default -> "Uninstalled";
        };
    }

    @Override
    public List<SignerRow> signers() {
        return store.signers().values().stream()
                .map(s -> new SignerRow(s.fingerprint(), s.subject(), s.addedAt(), s.addedBy())).toList();
    }

    @Override
    public SignerRow addSigner(Path certificateFile, String by) throws TrustException {
        X509Certificate certificate = Signers.read(certificateFile);
        FileTrustStore.Signer signer = store.addSigner(certificate, by);
        LOG.info("Trusted signer added by {}: {} (sha256 {})", by, signer.subject(), signer.fingerprint());
        return new SignerRow(signer.fingerprint(), signer.subject(), signer.addedAt(), signer.addedBy());
    }

    @Override
    public SignerRow removeSigner(String fingerprint, String by) throws TrustException {
        FileTrustStore.Signer signer = store.removeSigner(fingerprint, by);
        LOG.warn("Trusted signer removed by {}: {}", by, signer.subject());
        return new SignerRow(signer.fingerprint(), signer.subject(), signer.addedAt(), signer.addedBy());
    }

    @Override
    public List<AuditRow> audit() {
        return store.audit().stream().map(a -> new AuditRow(a.seq(), a.time(), a.type(), a.fields())).toList();
    }

    @Override
    public String mode() {
        return config.mode().toString();
    }

    @Override
    public void setMode(String mode, String by) throws TrustException {
        Mode next;
        try {
            next = Mode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new TrustException(e.getMessage(), e);
        }
        configure(config.withMode(next), by);
        ServiceReference<ConfigurationAdmin> reference = context.getServiceReference(ConfigurationAdmin.class);
        ConfigurationAdmin admin = reference == null ? null : context.getService(reference);
        if (admin == null) {
            LOG.warn("No Config Admin: trust mode {} is not persisted", next);
            return;
        }
        try {
            // Persisted through Config Admin (fileinstall writes it to etc/io.vstack.trust.cfg); the
            // update it delivers back changes nothing more.
            Configuration configuration = admin.getConfiguration(TrustConfig.PID, null);
            Dictionary<String, Object> properties = configuration.getProperties();
            if (properties == null) {
                properties = new Hashtable<>();
            }
            properties.put("mode", next.toString());
            configuration.update(properties);
        } catch (IOException e) {
            throw new TrustException("mode " + next + " is in force but not persisted: cannot update configuration "
                    + TrustConfig.PID + ": " + e.getMessage(), e);
        } finally {
            context.ungetService(reference);
        }
    }

    @Override
    public List<Path> repair(String by) throws TrustException {
        List<Path> moved = store.repair(by);
        evaluations.invalidateAll();
        quarantine.execute(this::scanAll);
        return moved;
    }

    /** Shuts the enforcer thread down. */
    void close() {
        quarantine.close();
    }
}
