package io.vstack.trust.internal;

import static io.vstack.trust.internal.Fakes.fake;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.trust.TrustException;
import io.vstack.trust.internal.TrustAccess.Approval;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

/** Approving the bundles of a feature: verified like trust:install, recorded unless trusted already, audited; nothing installed. */
class TrustServiceFeatureTest {

    @TempDir
    Path dir;

    private FileTrustStore store;
    private TrustService trust;

    @BeforeEach
    void setUp() {
        store = new FileTrustStore(dir.resolve("trust"), dir.resolve("trust.key"), Clock.systemUTC());
        store.load();
        // Approving installs nothing: any call to the framework fails the test.
        trust = new TrustService(fake(BundleContext.class, Map.of()), TrustConfig.defaults(), store,
                new BundleSource(Optional.empty()), PlatformDigests.none(), dir.resolve("trust"), Instant.EPOCH);
    }

    @AfterEach
    void tearDown() {
        trust.close();
    }

    private URI jar(String symbolicName) throws Exception {
        Path file = dir.resolve(symbolicName + ".jar");
        Files.write(file, TestJars.bundle(symbolicName, "1.0.0", symbolicName));
        return file.toUri();
    }

    @Test
    void approvesWhatIsNotTrustedYetAndAuditsTheFeature() throws Exception {
        URI approvedBefore = jar("f.one");
        URI fresh = jar("f.two");
        trust.approveFeature("before/1", List.of(approvedBefore), "user:first");

        List<Approval> approvals = trust.approveFeature("f/1.0.0", List.of(approvedBefore, fresh), "user:admin");

        assertEquals(List.of(true, false), approvals.stream().map(Approval::alreadyTrusted).toList());
        assertEquals(List.of("f.one", "f.two"), approvals.stream().map(a -> a.binary().symbolicName()).toList());
        assertEquals(List.of("user:first", "user:admin"), store.records().stream().map(r -> r.approver()).toList());
        FileTrustStore.AuditEntry last = store.audit().get(store.audit().size() - 1);
        assertEquals(FileTrustStore.FEATURE, last.type());
        assertEquals(Map.of("feature", "f/1.0.0", "approved", "1", "trusted", "1", "by", "user:admin"), last.fields());
        assertTrue(trust.verdict(approvals.get(1).binary()).trusted());
    }

    @Test
    void anArtifactThatCannotBeVerifiedApprovesNothing() throws Exception {
        URI good = jar("f.good");
        URI missing = dir.resolve("missing.jar").toUri();
        TrustException e = assertThrows(TrustException.class,
                () -> trust.approveFeature("f/1", List.of(good, missing), "user:admin"));
        assertTrue(e.getMessage().startsWith("cannot read " + missing), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(store.records().isEmpty(), "nothing recorded when one bundle fails");
    }
}
