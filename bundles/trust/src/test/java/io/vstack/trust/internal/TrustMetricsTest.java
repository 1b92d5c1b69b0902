package io.vstack.trust.internal;

import static io.vstack.trust.internal.Fakes.fake;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vstack.api.metrics.Metric;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;

/** The metric source {@code trust} over the real trust service and store: its figures move as bundles are judged, approved and refused. */
class TrustMetricsTest {

    @TempDir
    Path dir;

    private final List<Bundle> installed = new CopyOnWriteArrayList<>();
    private FileTrustStore store;
    private TrustService trust;
    private TrustMetrics metrics;

    @BeforeEach
    void setUp() {
        store = new FileTrustStore(dir.resolve("trust"), dir.resolve("trust.key"), Clock.systemUTC());
        store.load();
        BundleContext context = fake(BundleContext.class, Map.of("getBundles", args -> installed.toArray(Bundle[]::new)));
        trust = new TrustService(context, TrustConfig.defaults(), store, new BundleSource(Optional.empty()), PlatformDigests.none(),
                dir.resolve("trust"), Instant.EPOCH);
        metrics = new TrustMetrics(trust);
    }

    @AfterEach
    void tearDown() {
        trust.close();
    }

    /** An installed bundle whose jar (and manifest) is a real file. */
    private Bundle install(long id, String symbolicName) throws Exception {
        Path file = dir.resolve(symbolicName + ".jar");
        Files.write(file, TestJars.bundle(symbolicName, "1.0.0", symbolicName));
        URI location = file.toUri();
        Bundle bundle = fake(Bundle.class, Map.of(
                "getBundleId", args -> id,
                "getLocation", args -> location.toString(),
                "getSymbolicName", args -> symbolicName,
                "getVersion", args -> new Version(1, 0, 0),
                "getState", args -> Bundle.RESOLVED,
                "getLastModified", args -> 1L,
                "getEntry", args -> url("jar:" + location + "!/" + args[0])));
        installed.add(bundle);
        return bundle;
    }

    private static URL url(String text) {
        try {
            return URI.create(text).toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private double value(String name, Map<String, String> labels) {
        return metrics.snapshot().stream().filter(m -> m.name().equals(name) && m.labels().equals(labels))
                .mapToDouble(Metric::value).findFirst().orElseThrow(() -> new AssertionError("no " + name + " " + labels));
    }

    private boolean has(String name, Map<String, String> labels) {
        return metrics.snapshot().stream().anyMatch(m -> m.name().equals(name) && m.labels().equals(labels));
    }

    @Test
    void verdictsApprovalsRefusalsAndTamperingMoveTheFigures() throws Exception {
        assertEquals(0, value("bundles", Map.of("verdict", "trusted")));
        assertEquals(0, value("refusals", Map.of()));
        assertEquals(1, value("enforcing", Map.of()), "the default mode enforces");
        assertEquals(0, value("store.tampered", Map.of()));

        Bundle one = install(11, "m.one");
        install(12, "m.two");
        assertEquals(2, value("bundles", Map.of("verdict", "unsigned")), "unapproved, unsigned jars");
        assertEquals(0, value("bundles", Map.of("verdict", "trusted")));

        trust.approveFeature("f/1", List.of(URI.create(one.getLocation())), "user:admin");
        assertEquals(1, value("bundles", Map.of("verdict", "trusted")));
        assertEquals(1, value("bundles", Map.of("verdict", "unsigned")));
        assertEquals(1, value("audit.entries", Map.of("type", "feature")));
        assertFalse(has("audit.entries", Map.of("type", "refuse")));

        assertFalse(trust.mayResolve(installed.get(1)), "enforce refuses the unapproved one");
        assertEquals(1, value("refusals", Map.of()));
        assertEquals(1, value("audit.entries", Map.of("type", "refuse")));
        trust.mayResolve(installed.get(1));
        assertEquals(1, value("refusals", Map.of()), "a refusal is audited once");

        Path journal = dir.resolve("trust").resolve(TrustJournal.FILE);
        List<String> lines = Files.readAllLines(journal);
        Collections.swap(lines, 0, 1); // reordered lines fail the journal's check
        Files.write(journal, lines);
        store.load();
        assertEquals(1, value("store.tampered", Map.of()));
    }
}
