package io.vstack.trust.internal;

import io.vstack.api.trust.Verdict;
import io.vstack.trust.internal.BundleEvaluator.Evaluation;
import java.util.List;
import java.util.Map;
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
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes tainted bundles out of service: denies their classes at once (the weaving hook asks
 * {@link #classesDenied}), then stops and refreshes them so that the resolver hook keeps them from
 * resolving again. Stopping a bundle from inside a framework callback would deadlock, so the work
 * runs on this component's own thread {@code vstack-trust-enforcer} unless {@link #now} is asked.
 * <p>Thread-safe.
 */
final class Quarantine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);

    private final BundleContext context;
    private final FileTrustStore store;
    private final Set<Long> denied = ConcurrentHashMap.newKeySet();
    private static final int CLOSE_WAIT_SECONDS = 5;
    private final ExecutorService enforcer = Executors.newSingleThreadExecutor(r -> new Thread(r, "vstack-trust-enforcer"));

    Quarantine(BundleContext context, FileTrustStore store) {
        this.context = context;
        this.store = store;
    }

    /** Denies the bundle's classes now and quarantines it on the enforcer thread. */
    void later(Bundle bundle, Evaluation evaluation) {
        denied.add(bundle.getBundleId());
        enforcer.execute(() -> stopAndRefresh(bundle, evaluation));
    }

    /** Denies the bundle's classes and quarantines it on the caller's thread. */
    void now(Bundle bundle, Evaluation evaluation) {
        denied.add(bundle.getBundleId());
        stopAndRefresh(bundle, evaluation);
    }

    /** Runs {@code task} on the enforcer thread (a scan that may quarantine). */
    void execute(Runnable task) {
        enforcer.execute(task);
    }

    /** Whether classes of {@code bundleId} may not be defined. */
    boolean classesDenied(long bundleId) {
        return denied.contains(bundleId);
    }

    /** The bundle was replaced by an approved one: its id no longer names a quarantined bundle. */
    void release(long bundleId) {
        denied.remove(bundleId);
    }

    /** Refreshes {@code bundles} and waits (up to 60 s) until the framework has done it. */
    void refreshAndWait(List<Bundle> bundles) throws InterruptedException {
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

    private void stopAndRefresh(Bundle bundle, Evaluation evaluation) {
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

    /**
     * Shuts the enforcer thread down and waits (at most {@value #CLOSE_WAIT_SECONDS} s) for the
     * task it runs, so that no scan writes to the trust store after the bundle stopped.
     */
    @Override
    public void close() {
        enforcer.shutdownNow();
        try {
            if (!enforcer.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("The trust enforcer thread did not end within {} s of the bundle's stop", CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
