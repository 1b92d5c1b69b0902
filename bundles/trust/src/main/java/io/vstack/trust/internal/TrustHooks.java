package io.vstack.trust.internal;

import java.util.Collection;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.hooks.weaving.WeavingException;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.framework.hooks.weaving.WovenClass;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;

/**
 * The framework hooks of trusted-binary loading:
 * <ul>
 * <li>a {@link ResolverHookFactory}: an untrusted bundle is removed from the resolvable set, so it
 * never resolves and so never starts;</li>
 * <li>a {@link SynchronousBundleListener}: forgets cached verdicts when a bundle is installed,
 * updated or uninstalled, and re-checks a bundle as it starts (its jar may have changed on disk
 * since it resolved), quarantining it if tainted;</li>
 * <li>a {@link WeavingHook}: a quarantined bundle cannot define a class, so its activator never runs.</li>
 * </ul>
 * Framework threads call these; they block only for the evaluation of a bundle not seen before.
 */
final class TrustHooks implements ResolverHookFactory, SynchronousBundleListener, WeavingHook {

    private final TrustService trust;

    TrustHooks(TrustService trust) {
        this.trust = trust;
    }

    @Override
    public ResolverHook begin(Collection<BundleRevision> triggers) {
        return new ResolverHook() {
            @Override
            public void filterResolvable(Collection<BundleRevision> candidates) {
                candidates.removeIf(revision -> !trust.mayResolve(revision.getBundle()));
            }

            @Override
            public void filterSingletonCollisions(BundleCapability singleton, Collection<BundleCapability> collisionCandidates) {
                // singleton handling is the framework's
            }

            @Override
            public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) {
                // an untrusted bundle never resolves, so it offers no capability to match
            }

            @Override
            public void end() {
                // nothing held per resolve operation
            }
        };
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        switch (event.getType()) {
            case BundleEvent.INSTALLED, BundleEvent.UPDATED, BundleEvent.UNINSTALLED, BundleEvent.UNRESOLVED ->
                    trust.forget(bundle.getBundleId());
            case BundleEvent.STARTING -> trust.onStarting(bundle);
            default -> {
                // resolved, started, stopping, stopped, lazy activation: nothing to check
            }
        }
    }

    @Override
    public void weave(WovenClass wovenClass) {
        long id = wovenClass.getBundleWiring().getBundle().getBundleId();
        if (trust.classesDenied(id)) {
            throw new WeavingException("vstack trust: bundle " + id + " is not trusted; class "
                    + wovenClass.getClassName() + " refused");
        }
    }
}
