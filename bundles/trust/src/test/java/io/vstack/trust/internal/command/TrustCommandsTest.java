package io.vstack.trust.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.trust.BinaryIdentity;
import io.vstack.api.trust.TaintReason;
import io.vstack.api.trust.TrustException;
import io.vstack.api.trust.TrustRecord;
import io.vstack.api.trust.Verdict;
import io.vstack.trust.internal.TrustAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The commands as plain objects against a fake {@link TrustAccess}. */
class TrustCommandsTest {

    private static final String SHA = "ab".repeat(32);
    private static final BinaryIdentity FILTER = new BinaryIdentity("file:/f.jar", "com.example.filter", "1.0.0", SHA,
            "cd".repeat(32), Optional.of("CN=Vendor"));

    private final TrustAccess fake = new TrustAccess() {
        @Override
        public Optional<String> tampered() {
            return Optional.empty();
        }

        @Override
        public List<Row> bundles() {
            TrustRecord record = new TrustRecord(FILTER, "signer:CN=Vendor", Instant.parse("2026-01-02T03:04:05Z"), false);
            return List.of(
                    new Row(0, "org.apache.felix.framework", "7.0.5", "Active", new Verdict.Trusted(record), Optional.empty(),
                            Optional.empty(), true),
                    new Row(50, "com.example.filter", "1.0.0", "Active", new Verdict.Trusted(record), Optional.of(SHA),
                            Optional.of("CN=Vendor"), false),
                    new Row(51, "com.example.dropped", "2.0.0", "Installed",
                            new Verdict.Tainted(TaintReason.UNSIGNED, "not approved and not signed"), Optional.of(SHA),
                            Optional.empty(), false));
        }

        @Override
        public List<TrustRecord> records() {
            return List.of(new TrustRecord(FILTER, "user:alice", Instant.EPOCH, true));
        }

        @Override
        public List<SignerRow> signers() {
            return List.of();
        }

        @Override
        public SignerRow addSigner(Path certificateFile, String by) throws TrustException {
            throw new TrustException("no such certificate file: " + certificateFile);
        }

        @Override
        public SignerRow removeSigner(String prefix, String by) throws TrustException {
            throw new TrustException("no trusted signer with fingerprint " + prefix);
        }

        @Override
        public List<AuditRow> audit() {
            return List.of(new AuditRow(1, Instant.parse("2026-01-02T03:04:05Z"), "REFUSE",
                    Map.of("bsn", "com.example.dropped", "reason", "UNSIGNED")));
        }

        @Override
        public String mode() {
            return "enforce";
        }

        @Override
        public void setMode(String mode, String by) {
        }

        @Override
        public List<Approval> approveFeature(String feature, List<URI> locations, String approver) {
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public List<Path> repair(String by) throws TrustException {
            throw new TrustException("the trust store is intact; nothing to repair");
        }

        @Override
        public TrustRecord install(URI location, String approver) throws TrustException {
            throw new TrustException("cannot read " + location + ": no such file");
        }

        @Override
        public void revoke(String symbolicName, String version, String approver) {
        }
    };

    private interface Body {
        void run() throws Exception;
    }

    private static String capture(Body body) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listShowsVerdictDigestSignerApproverAndTimeButHidesThePlatform() throws Exception {
        TrustListCommand list = new TrustListCommand();
        list.trust = fake;
        list.noFormat = true;
        List<String[]> rows = capture(list::execute).lines().map(l -> l.split("\\s*\t\\s*")).toList();
        assertEquals(2, rows.size());
        assertEquals(List.of("50", "com.example.filter", "1.0.0", "Active", "TRUSTED", SHA.substring(0, 16), "CN=Vendor",
                "signer:CN=Vendor", "2026-01-02T03:04:05Z"), List.of(rows.get(0)).subList(0, 9));
        assertEquals("UNSIGNED", rows.get(1)[4]);
        list.all = true;
        assertTrue(capture(list::execute).contains("org.apache.felix.framework"));
    }

    @Test
    void recordsShowRevocations() throws Exception {
        TrustListCommand list = new TrustListCommand();
        list.trust = fake;
        list.noFormat = true;
        list.records = true;
        String out = capture(list::execute);
        assertTrue(out.contains("revoked") && out.contains("user:alice"), out);
    }

    @Test
    void auditPrintsEachEntry() throws Exception {
        TrustAuditCommand audit = new TrustAuditCommand();
        audit.trust = fake;
        audit.noFormat = true;
        String out = capture(audit::execute);
        assertTrue(out.contains("REFUSE") && out.contains("com.example.dropped"), out);
    }

    @Test
    void errorsAreOneLine() {
        TrustInstallCommand install = new TrustInstallCommand();
        install.trust = fake;
        install.location = "file:/no/such.jar";
        TrustException e = assertThrows(TrustException.class, install::execute);
        assertFalse(e.getMessage().contains("\n"));
        install.location = "not a url";
        assertTrue(assertThrows(TrustException.class, install::execute).getMessage().contains("is not a URL"));

        TrustKeysCommand keys = new TrustKeysCommand();
        keys.trust = fake;
        keys.action = "add";
        assertEquals("trust:keys add needs a certificate file", assertThrows(TrustException.class, keys::execute).getMessage());
        keys.action = "frobnicate";
        assertTrue(assertThrows(TrustException.class, keys::execute).getMessage().startsWith("unknown action"));
    }
}
