package io.vstack.trust.internal;

import io.vstack.api.metrics.MetricSource;
import io.vstack.api.trust.TrustStore;
import io.vstack.api.trust.TrustedInstaller;
import io.vstack.support.KarafData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ManagedService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires trusted-binary loading when the bundle starts, before anything else of vstack: the bundle
 * runs at a low start level, before Declarative Services exists, so this is a plain activator.
 * Reads its configuration synchronously from {@code ${karaf.etc}/io.vstack.trust.cfg} (Config Admin
 * may not hold the file's content yet, see {@link ConfigAdminUpdates}), or from Config Admin where
 * there is no such file, so that the very first check obeys it; then loads the platform digests and
 * the trust store, registers the hooks, and checks every bundle installed before it.
 */
public final class TrustActivator implements BundleActivator {

    private static final Logger LOG = LoggerFactory.getLogger(TrustActivator.class);

    private TrustService trust;
    private TrustHooks hooks;
    private ServiceRegistration<?> resolverHook;
    private ServiceRegistration<?> weavingHook;
    private ServiceRegistration<?> services;
    private ServiceRegistration<?> managed;
    private ServiceRegistration<?> metrics;

    @Override
    public void start(BundleContext context) {
        Initial initial = property(context, "karaf.etc").map(etc -> Path.of(etc, TrustConfigFile.NAME))
                .flatMap(file -> fromFile(context, file))
                .orElseGet(() -> new Initial(fromConfigAdmin(context), "Config Admin", true));
        TrustConfig config = initial.config();
        Path data = KarafData.of(context);
        Path storeDir = config.storeDir().map(Path::of).orElse(data.resolve("vstack").resolve("trust"));
        Path keyFile = config.keyFile().map(Path::of).orElse(property(context, "karaf.etc").map(Path::of)
                .orElse(storeDir).resolve("vstack-trust.key"));
        Optional<Path> system = property(context, "karaf.home").map(home -> Path.of(home, "system"));
        Path digestsFile = config.platformDigests().map(Path::of)
                .orElse(system.orElse(data).resolve(PlatformDigests.FILE));
        PlatformDigests platform;
        Instant platformApprovedAt = Instant.EPOCH;
        try {
            platform = PlatformDigests.load(digestsFile);
            platformApprovedAt = Files.getLastModifiedTime(digestsFile).toInstant();
            LOG.info("Platform digests: {} bundles approved at build time ({})", platform.size(), digestsFile);
        } catch (IOException e) {
            platform = PlatformDigests.none();
            LOG.error("No platform digests ({}): only bundles approved in the trust store are trusted", e.getMessage());
        }
        FileTrustStore store = new FileTrustStore(storeDir, keyFile, Clock.systemUTC());
        store.load();
        trust = new TrustService(context, config, store, new BundleSource(system), platform, storeDir, platformApprovedAt);
        hooks = new TrustHooks(trust);

        Dictionary<String, Object> first = new Hashtable<>();
        first.put(Constants.SERVICE_RANKING, Integer.MAX_VALUE);
        resolverHook = context.registerService(ResolverHookFactory.class, hooks, first);
        weavingHook = context.registerService(WeavingHook.class, hooks, first);
        context.addBundleListener(hooks);
        trust.scanAll();

        services = context.registerService(new String[] {TrustStore.class.getName(), TrustedInstaller.class.getName(),
            TrustAccess.class.getName()}, trust, null);
        Dictionary<String, Object> pid = new Hashtable<>();
        pid.put(Constants.SERVICE_PID, TrustConfig.PID);
        managed = context.registerService(ManagedService.class, new ConfigAdminUpdates(trust, initial.caughtUp()), pid);
        Dictionary<String, Object> source = new Hashtable<>();
        source.put(MetricSource.SOURCE_PROPERTY, TrustMetrics.SOURCE);
        metrics = context.registerService(MetricSource.class, new TrustMetrics(trust), source);
        LOG.info("Trusted-binary loading active: mode {} (from {}), store {}", config.mode(), initial.source(), storeDir);
    }

    @Override
    public void stop(BundleContext context) {
        for (ServiceRegistration<?> registration : new ServiceRegistration<?>[] {metrics, managed, services, weavingHook, resolverHook}) {
            if (registration != null) {
                try {
                    registration.unregister();
                } catch (IllegalStateException e) {
                    LOG.debug("already unregistered", e);
                }
            }
        }
        if (hooks != null) {
            context.removeBundleListener(hooks);
        }
        if (trust != null) {
            trust.close();
        }
        LOG.info("Trusted-binary loading stopped: bundles are no longer checked");
    }

    private static Optional<String> property(BundleContext context, String name) {
        String value = context.getProperty(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    /**
     * The configuration in force at start, where it came from, and whether Config Admin holds it
     * already (see {@link ConfigAdminUpdates}).
     */
    private record Initial(TrustConfig config, String source, boolean caughtUp) {
    }

    /**
     * The configuration in {@code file}, if the file exists. An invalid or unreadable file gives
     * the enforce defaults (the error names the key, or the file), and Config Admin's next
     * delivery applies.
     */
    private static Optional<Initial> fromFile(BundleContext context, Path file) {
        try {
            return TrustConfigFile.read(file, context::getProperty)
                    .map(properties -> new Initial(TrustConfig.parse(properties), file.toString(), false));
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("{} refused, trust starts with its defaults (enforce): {}", file, e.getMessage());
            return Optional.of(new Initial(TrustConfig.defaults(), "defaults", true));
        }
    }

    /** The configuration as Config Admin holds it now (enforce defaults if there is none or it is invalid). */
    private static TrustConfig fromConfigAdmin(BundleContext context) {
        ServiceReference<ConfigurationAdmin> reference = context.getServiceReference(ConfigurationAdmin.class);
        if (reference == null) {
            LOG.info("No Config Admin yet: trust starts with its defaults (enforce)");
            return TrustConfig.defaults();
        }
        ConfigurationAdmin admin = context.getService(reference);
        try {
            Configuration[] configurations = admin == null ? null
                    : admin.listConfigurations("(" + Constants.SERVICE_PID + "=" + TrustConfig.PID + ")");
            if (configurations == null || configurations.length == 0) {
                return TrustConfig.defaults();
            }
            return TrustConfig.parse(configurations[0].getProperties());
        } catch (IllegalArgumentException e) {
            LOG.error("Configuration {} refused, trust starts with its defaults (enforce): {}", TrustConfig.PID, e.getMessage());
            return TrustConfig.defaults();
        } catch (IOException | org.osgi.framework.InvalidSyntaxException e) {
            LOG.error("Configuration {} unreadable, trust starts with its defaults (enforce)", TrustConfig.PID, e);
            return TrustConfig.defaults();
        } finally {
            context.ungetService(reference);
        }
    }

}
