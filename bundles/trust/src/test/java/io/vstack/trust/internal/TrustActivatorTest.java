package io.vstack.trust.internal;

import static io.vstack.trust.internal.Fakes.fake;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.Version;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ManagedService;

/**
 * The order in which the activator takes its configuration: the mode written in
 * {@code etc/io.vstack.trust.cfg} governs the resolver hook from the moment it is registered, even
 * while Config Admin holds no copy of the file yet or an older one, as it does until Karaf's
 * fileinstall has scanned {@code etc/}.
 */
class TrustActivatorTest {

    @TempDir
    Path dir;

    private final Map<String, String> properties = new HashMap<>();
    private final List<Object> registered = new ArrayList<>();
    private final List<Boolean> resolvableWhenHookRegistered = new ArrayList<>();
    /** What Config Admin holds for io.vstack.trust: nothing (null), or a copy. */
    private Dictionary<String, Object> configAdminCopy;
    private Bundle unapproved;
    private TrustActivator activator;
    private BundleContext context;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(dir.resolve("etc"));
        properties.put("karaf.etc", dir.resolve("etc").toString());
        properties.put("karaf.data", dir.resolve("data").toString());
        Path jar = dir.resolve("unapproved.jar");
        Files.write(jar, TestJars.bundle("x.unapproved", "1.0.0", "payload"));
        URL manifest = new URL("jar:" + jar.toUri() + "!/" + JarInspection.MANIFEST);
        unapproved = fake(Bundle.class, Map.of(
                "getBundleId", args -> 7L,
                "getLocation", args -> jar.toUri().toString(),
                "getLastModified", args -> 1L,
                "getEntry", args -> manifest,
                "getSymbolicName", args -> "x.unapproved",
                "getVersion", args -> new Version("1.0.0"),
                "getState", args -> Bundle.INSTALLED));
        context = context();
        activator = new TrustActivator();
    }

    @AfterEach
    void tearDown() {
        activator.stop(context);
    }

    private void writeConfigFile(String mode) throws Exception {
        Files.writeString(dir.resolve("etc").resolve(TrustConfigFile.NAME), "# as shipped\nmode = " + mode + "\n"
                + "storeDir = ${karaf.data}/vstack/trust\n");
    }

    private static Dictionary<String, Object> copy(String mode) {
        Dictionary<String, Object> copy = new Hashtable<>();
        copy.put("service.pid", TrustConfig.PID);
        copy.put("mode", mode);
        copy.put("felix.fileinstall.filename", "file:/etc/io.vstack.trust.cfg");
        return copy;
    }

    @Test
    void theFileGovernsTheFirstResolutionWhileConfigAdminHoldsNoCopyYet() throws Exception {
        writeConfigFile("log-only");
        activator.start(context);
        assertEquals(List.of(true), resolvableWhenHookRegistered, "log-only from the first check on");
        assertTrue(Files.exists(dir.resolve("data/vstack/trust")), "${karaf.data} substituted");

        managedService().updated(null);
        assertTrue(resolvable(), "Config Admin's 'no configuration' before fileinstall's scan is not a change");
    }

    @Test
    void anOlderCopyInConfigAdminIsIgnoredUntilItCatchesUpWithTheFile() throws Exception {
        configAdminCopy = copy("enforce");
        writeConfigFile("log-only");
        activator.start(context);
        assertEquals(List.of(true), resolvableWhenHookRegistered, "the file, not Config Admin's older copy");

        ManagedService updates = managedService();
        updates.updated(copy("enforce"));
        assertTrue(resolvable(), "the older copy delivered at registration changes nothing");
        updates.updated(copy("log-only"));
        assertTrue(resolvable());
        updates.updated(copy("enforce"));
        assertFalse(resolvable(), "once caught up, a change made through Config Admin applies");
    }

    @Test
    void withoutAFileConfigAdminGovernsAtOnce() throws Exception {
        configAdminCopy = copy("log-only");
        activator.start(context);
        assertEquals(List.of(true), resolvableWhenHookRegistered);
        managedService().updated(copy("enforce"));
        assertFalse(resolvable());
    }

    @Test
    void anInvalidFileFailsClosed() throws Exception {
        writeConfigFile("sometimes");
        activator.start(context);
        assertEquals(List.of(false), resolvableWhenHookRegistered, "enforce defaults");
        managedService().updated(copy("log-only"));
        assertTrue(resolvable(), "a valid configuration from Config Admin applies");
    }

    // ---- the framework, faked -----------------------------------------------------------

    private boolean resolvable() {
        return resolvable(registeredOf(ResolverHookFactory.class));
    }

    private boolean resolvable(ResolverHookFactory hooks) {
        BundleRevision revision = fake(BundleRevision.class, Map.of("getBundle", args -> unapproved));
        List<BundleRevision> candidates = new ArrayList<>(List.of(revision));
        hooks.begin(List.of()).filterResolvable(candidates);
        return candidates.contains(revision);
    }

    private ManagedService managedService() {
        return registeredOf(ManagedService.class);
    }

    private <T> T registeredOf(Class<T> type) {
        return registered.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    private BundleContext context() {
        Bundle self = fake(Bundle.class, Map.of("getBundleId", args -> 1L));
        ServiceRegistration<?> registration = fake(ServiceRegistration.class, Map.of("unregister", args -> null));
        Configuration configuration = fake(Configuration.class, Map.of("getProperties", args -> configAdminCopy));
        ConfigurationAdmin admin = fake(ConfigurationAdmin.class, Map.of("listConfigurations",
                args -> configAdminCopy == null ? null : new Configuration[] {configuration}));
        ServiceReference<?> adminReference = fake(ServiceReference.class, Map.of());
        Map<String, Function<Object[], Object>> answers = new HashMap<>();
        answers.put("getProperty", args -> properties.get((String) args[0]));
        answers.put("getServiceReference", args -> args[0] == ConfigurationAdmin.class ? adminReference : null);
        answers.put("getService", args -> admin);
        answers.put("ungetService", args -> true);
        answers.put("registerService", args -> {
            registered.add(args[1]);
            if (args[0] == ResolverHookFactory.class) {
                ResolverHookFactory hooks = (ResolverHookFactory) args[1];
                resolvableWhenHookRegistered.add(resolvable(hooks));
            }
            return registration;
        });
        answers.put("addBundleListener", args -> null);
        answers.put("removeBundleListener", args -> null);
        answers.put("getBundles", args -> new Bundle[] {unapproved});
        answers.put("getBundle", args -> self);
        return fake(BundleContext.class, answers);
    }
}
