package io.vstack.trust.internal;

import io.vstack.api.trust.BinaryIdentity;
import io.vstack.api.trust.TrustException;
import io.vstack.api.trust.TrustRecord;
import io.vstack.api.trust.TrustStore;
import io.vstack.api.trust.Verdict;
import io.vstack.trust.internal.BundleEvaluator.BundleFacts;
import io.vstack.trust.internal.BundleEvaluator.Evaluation;
import io.vstack.trust.internal.TrustConfig.Mode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enforcement engine and the approved installer. The framework hooks ask it whether a bundle
 * may resolve ({@link #mayResolve}) or start ({@link #onStarting}); it evaluates each bundle once
 * per change (cached by bundle, location file stamp, store generation and configuration), logs and
 * audits each refusal once, and in {@code enforce} mode quarantines a tainted bundle that is
 * already resolved: stops it and refreshes it so that it cannot resolve again.
 * <p>Thread-safe. Quarantine runs on the component's own thread {@code vstack-trust-enforcer}.
 */
final class TrustService implements TrustStore, TrustAccess {

    private static final Logger LOG = LoggerFactory.getLogger(TrustService.class);

    private record Cached(long bundleModified, Optional<String> stamp, long storeGeneration, long configGeneration,
                          Evaluation evaluation) {
    }


    private final BundleContext context;
    private final FileTrustStore store;
    private final BundleSource source;
    private final BundleEvaluator evaluator;
    private final Path storeDir;
    private final Map<Long, Cached> cache = new ConcurrentHashMap<>();
    private final Set<Long> denied = ConcurrentHashMap.newKeySet();
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private final ExecutorService enforcer = Executors.newSingleThreadExecutor(r -> new Thread(r, "vstack-trust-enforcer"));
    private volatile TrustConfig config;
    private volatile long configGeneration;
    private final PlatformDigests platform;
    private volatile String pendingModeBy = "config";
    private static final String NO_DIGEST = "0".repeat(64);

    TrustService(BundleContext context, TrustConfig config, FileTrustStore store, BundleSource source,
                 PlatformDigests platform, Path storeDir, java.time.Instant platformApprovedAt) {
        this.context = context;
        this.config = config;
        this.store = store;
        this.source = source;
        this.platform = platform;
        this.storeDir = storeDir;
        this.evaluator = new BundleEvaluator(source, store, () -> platform, () -> this.config, storeDir.resolve("tmp"),
                platformApprovedAt);
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
        configGeneration++;
        cache.clear();
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
                enforcer.execute(this::scanAll);
            }
        }
    }

    // ---- enforcement ---------------------------------------------------------------------

    /** The evaluation of {@code bundle}, from the cache when nothing it depends on changed. */
    Evaluation evaluate(Bundle bundle) {
        long id = bundle.getBundleId();
        if (id == 0) {
            return systemEvaluation(bundle);
        }
        String location = bundle.getLocation();
        Optional<String> stamp = source.stamp(location);
        Cached cached = cache.get(id);
        long storeGeneration = store.generation();
        if (cached != null && cached.bundleModified() == bundle.getLastModified() && cached.stamp().equals(stamp)
                && cached.storeGeneration() == storeGeneration && cached.configGeneration() == configGeneration) {
            return cached.evaluation();
        }
        Evaluation evaluation = evaluator.evaluate(facts(bundle));
        cache.put(id, new Cached(bundle.getLastModified(), stamp, store.generation(), configGeneration, evaluation));
        return evaluation;
    }

    private Evaluation systemEvaluation(Bundle bundle) {
        BinaryIdentity identity = new BinaryIdentity(bundle.getLocation(), String.valueOf(bundle.getSymbolicName()),
                bundle.getVersion().toString(), "0".repeat(64), "0".repeat(64), Optional.empty());
        return new Evaluation(new Verdict.Trusted(new TrustRecord(identity, "build",
                java.time.Instant.ofEpochMilli(bundle.getLastModified()), false)), Optional.of(identity), true);
    }

    private static BundleFacts facts(Bundle bundle) {
        Optional<String> manifest = Optional.empty();
        URL entry = bundle.getEntry(JarInspection.MANIFEST);
        if (entry != null) {
            try (InputStream in = entry.openStream()) {
                manifest = Optional.of(JarInspection.manifestDigest(in));
            } catch (IOException e) {
                LOG.debug("manifest of bundle {} unreadable", bundle.getBundleId(), e);
            }
        }
        return new BundleFacts(bundle.getBundleId(), String.valueOf(bundle.getSymbolicName()), bundle.getLocation(), manifest);
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
                denied.add(bundle.getBundleId());
                enforcer.execute(() -> quarantine(bundle, evaluation));
            }
        }
    }

    /** This bundle is never quarantined by itself: stopping it is how enforcement is switched off. */
    private boolean isSelf(Bundle bundle) {
        return bundle.getBundleId() == context.getBundle().getBundleId();
    }

    /** Weaving hook: whether classes of {@code bundleId} may be defined. */
    boolean classesDenied(long bundleId) {
        return denied.contains(bundleId);
    }

    /** Drops the cached evaluation of a bundle (installed, updated, uninstalled). */
    void forget(long bundleId) {
        cache.remove(bundleId);
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
                denied.add(bundle.getBundleId());
                enforcer.execute(() -> quarantine(bundle, evaluation));
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

    /** Stops a bundle and refreshes it, so that the resolver hook keeps it from resolving again. */
    private void quarantine(Bundle bundle, Evaluation evaluation) {
        try {
            if (bundle.getState() == Bundle.UNINSTALLED) {
                return;
            }
            boolean wasRunning = (bundle.getState() & (Bundle.STARTING | Bundle.ACTIVE)) != 0;
            if (wasRunning) {
                bundle.stop();
            }
            refreshAndWait(List.of(bundle));
            Verdict.Tainted tainted = (Verdict.Tainted) evaluation.verdict();
            LOG.warn("Bundle {} {} quarantined ({}): stopped and unresolved until it is approved again",
                    bundle.getBundleId(), bundle.getSymbolicName(), tainted.reason());
            store.auditQuietly(FileTrustStore.STOP, Map.of("loc", bundle.getLocation(),
                    "bsn", String.valueOf(bundle.getSymbolicName()), "reason", tainted.reason().name(),
                    "running", String.valueOf(wasRunning)));
        } catch (BundleException | IllegalStateException e) {
            LOG.error("Could not quarantine bundle {} {}", bundle.getBundleId(), bundle.getSymbolicName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void refreshAndWait(List<Bundle> bundles) throws InterruptedException {
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        CountDownLatch done = new CountDownLatch(1);
        wiring.refreshBundles(bundles, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        if (!done.await(60, TimeUnit.SECONDS)) {
            LOG.warn("Refresh of {} did not finish within 60 s", bundles);
        }
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
        BinaryIdentity identity = jarInfo.identity(where, signer);
        TrustRecord record = store.approve(identity, approver);
        LOG.info("Approved {} {} from {} (sha256 {}) by {}", identity.symbolicName(), identity.version(), where,
                identity.contentSha256(), approver);
        Bundle bundle;
        try {
            Bundle previous = context.getBundle(where);
            if (previous != null) {
                // Re-approval of a tainted (or older) bundle at this location: replace it outright,
                // rather than updating a revision that the hooks refused before.
                previous.uninstall();
                refreshAndWait(List.of(previous));
                denied.remove(previous.getBundleId());
                forget(previous.getBundleId());
            }
            bundle = context.installBundle(where, new ByteArrayInputStream(jar));
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
                    denied.add(bundle.getBundleId());
                    quarantine(bundle, evaluation);
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
            Optional<String> sha = identity.map(BinaryIdentity::contentSha256).filter(s -> !s.equals(NO_DIGEST));
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
        ServiceReference<ConfigurationAdmin> reference = context.getServiceReference(ConfigurationAdmin.class);
        ConfigurationAdmin admin = reference == null ? null : context.getService(reference);
        if (admin == null) {
            configure(new TrustConfig(next, config.storeDir(), config.keyFile(), config.platformDigests(),
                    config.allowSymbolicNames(), config.requireSignature()), by);
            return;
        }
        try {
            Configuration configuration = admin.getConfiguration(TrustConfig.PID, null);
            Dictionary<String, Object> properties = configuration.getProperties();
            if (properties == null) {
                properties = new Hashtable<>();
            }
            properties.put("mode", next.toString());
            pendingModeBy = by;
            configuration.update(properties);
        } catch (IOException e) {
            throw new TrustException("cannot update configuration " + TrustConfig.PID + ": " + e.getMessage(), e);
        } finally {
            context.ungetService(reference);
        }
    }

    /** Who asked for the next mode change through Config Admin, for the audit log. */
    String takeModeRequester() {
        String by = pendingModeBy;
        pendingModeBy = "config";
        return by;
    }

    @Override
    public Path repair(String by) throws TrustException {
        Path moved = store.repair(by);
        cache.clear();
        enforcer.execute(this::scanAll);
        return moved;
    }

    /** Shuts the enforcer thread down. */
    void close() {
        enforcer.shutdownNow();
    }
}
