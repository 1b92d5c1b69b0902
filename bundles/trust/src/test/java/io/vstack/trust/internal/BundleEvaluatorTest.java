package io.vstack.trust.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.trust.TaintReason;
import io.vstack.api.trust.TrustException;
import io.vstack.api.trust.Verdict;
import io.vstack.trust.internal.BundleEvaluator.BundleFacts;
import io.vstack.trust.internal.BundleEvaluator.Evaluation;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verdicts on real jar files: platform digests, approvals, tampering, signatures by keys made with keytool. */
class BundleEvaluatorTest {

    @TempDir
    Path dir;

    @TempDir
    static Path keys;

    private static TestJars.Key trusted;
    private static TestJars.Key unknown;

    @BeforeAll
    static void keys() throws Exception {
        trusted = TestJars.key(keys, "trusted", "CN=Filter Vendor, O=Example");
        unknown = TestJars.key(keys, "unknown", "CN=Someone Else");
    }

    private FileTrustStore store;
    private PlatformDigests platform = PlatformDigests.none();
    private TrustConfig config = TrustConfig.defaults();
    private BundleEvaluator evaluator;

    @BeforeEach
    void setUp() {
        store = new FileTrustStore(dir.resolve("trust"), dir.resolve("trust.key"), Clock.systemUTC());
        store.load();
        evaluator = new BundleEvaluator(new BundleSource(Optional.of(dir.resolve("system"))), store, () -> platform,
                () -> config, dir.resolve("tmp"), Instant.EPOCH);
    }

    private Path write(String name, byte[] jar) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, jar);
        return file;
    }

    private Evaluation evaluate(Path jar) throws Exception {
        return evaluate(jar, Optional.empty());
    }

    private Evaluation evaluate(Path jar, Optional<String> installedManifest) throws Exception {
        return evaluator.evaluate(new BundleFacts(7, "x", jar.toUri().toString(), installedManifest));
    }

    private static TaintReason reason(Evaluation evaluation) {
        assertFalse(evaluation.trusted(), "expected a refusal");
        return ((Verdict.Tainted) evaluation.verdict()).reason();
    }

    private void approve(Path jar, String approver) throws Exception {
        JarInspection info = JarInspection.of(Files.readAllBytes(jar));
        store.approve(info.identity(jar.toUri().toString(), Optional.empty()), approver);
    }

    @Test
    void anUnapprovedUnsignedJarIsRefusedAsUnsigned() throws Exception {
        Evaluation evaluation = evaluate(write("u.jar", TestJars.bundle("u", "1.0", "x")));
        assertEquals(TaintReason.UNSIGNED, reason(evaluation));
        assertTrue(((Verdict.Tainted) evaluation.verdict()).detail().contains("trust:install"));
    }

    @Test
    void aPlatformDigestIsTrustedAsBuild() throws Exception {
        Path jar = write("p.jar", TestJars.bundle("p", "1.0", "x"));
        Path manifest = dir.resolve("digests.sha256");
        Files.writeString(manifest, "# comment\n" + Sha256.of(Files.readAllBytes(jar)) + "  org/p/1.0/p-1.0.jar\n");
        platform = PlatformDigests.load(manifest);
        Evaluation evaluation = evaluate(jar);
        assertTrue(evaluation.trusted());
        assertTrue(evaluation.platform());
        assertEquals("build", ((Verdict.Trusted) evaluation.verdict()).record().approver());
    }

    @Test
    void aMalformedPlatformManifestIsRefusedNamingTheLine() throws Exception {
        Path manifest = dir.resolve("digests.sha256");
        Files.writeString(manifest, "abc  x.jar\n");
        Exception e = assertThrows(java.io.IOException.class, () -> PlatformDigests.load(manifest));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void anApprovedJarIsTrustedUntilOneByteFlips() throws Exception {
        Path jar = write("a.jar", TestJars.bundle("a", "1.0", "payload"));
        approve(jar, "alice");
        assertTrue(evaluate(jar).trusted());
        byte[] bytes = Files.readAllBytes(jar);
        bytes[bytes.length / 2] ^= 1;
        Files.write(jar, bytes);
        assertEquals(TaintReason.CONTENT_CHANGED, reason(evaluate(jar)));
        // after a "restart": a store reloaded from disk says the same
        store.load();
        assertEquals(TaintReason.CONTENT_CHANGED, reason(evaluate(jar)));
    }

    @Test
    void changedContentWithTheSameManifestIsContentChanged() throws Exception {
        Path jar = write("a.jar", TestJars.bundle("a", "1.0", "payload"));
        approve(jar, "alice");
        Files.write(jar, TestJars.bundle("a", "1.0", "PAYLOAD"));
        assertEquals(TaintReason.CONTENT_CHANGED, reason(evaluate(jar)));
    }

    @Test
    void anEditedManifestIsMetadataChanged() throws Exception {
        Path jar = write("m.jar", TestJars.bundle("m", "1.0", "payload"));
        approve(jar, "alice");
        Files.write(jar, TestJars.bundle("m", "1.1", "payload"));
        assertEquals(TaintReason.METADATA_CHANGED, reason(evaluate(jar)));
    }

    @Test
    void anInstalledRevisionWhoseManifestDiffersFromItsJarIsRefused() throws Exception {
        Path jar = write("r.jar", TestJars.bundle("r", "1.0", "payload"));
        approve(jar, "alice");
        assertTrue(evaluate(jar, Optional.of(manifestSha(Files.readAllBytes(jar)))).trusted());
        String other = manifestSha(TestJars.bundle("evil", "6.6.6", "x"));
        assertEquals(TaintReason.METADATA_CHANGED, reason(evaluate(jar, Optional.of(other))));
    }

    private static String manifestSha(byte[] jar) throws Exception {
        return JarInspection.of(jar).manifestSha256();
    }

    @Test
    void aRevokedApprovalIsRefused() throws Exception {
        Path jar = write("v.jar", TestJars.bundle("v", "1.0", "payload"));
        approve(jar, "alice");
        store.revoke("v", Optional.empty(), "admin");
        assertEquals(TaintReason.REVOKED, reason(evaluate(jar)));
    }

    @Test
    void aJarSignedByATrustedKeyIsApprovedAutomaticallyAsItsSigner() throws Exception {
        store.addSigner(Signers.read(trusted.pem()), "admin");
        Path jar = write("s.jar", TestJars.sign(TestJars.bundle("s", "1.0", "payload"), trusted, dir));
        Evaluation evaluation = evaluate(jar);
        assertTrue(evaluation.trusted(), () -> evaluation.verdict().toString());
        Verdict.Trusted verdict = (Verdict.Trusted) evaluation.verdict();
        assertEquals("signer:CN=Filter Vendor,O=Example", verdict.record().approver());
        assertEquals(Optional.of("CN=Filter Vendor,O=Example"), verdict.record().binary().signer());
        assertEquals(1, store.records().size());
        assertTrue(evaluate(jar).trusted(), "the recorded approval stands");
        assertEquals(1, store.records().size());
    }

    @Test
    void aRebuildSignedByATrustedKeyReplacesTheApprovedJarWithoutReapproval() throws Exception {
        store.addSigner(Signers.read(trusted.pem()), "admin");
        Path jar = write("f.jar", TestJars.sign(TestJars.bundle("f", "1.0.0.202612071800", "payload"), trusted, dir));
        assertTrue(evaluate(jar).trusted());
        // The edit/deploy loop: new bytes and a new version stamp at the same location, signed again.
        Files.write(jar, TestJars.sign(TestJars.bundle("f", "1.0.0.202612071805", "PAYLOAD v2"), trusted, dir));
        Evaluation rebuilt = evaluate(jar);
        assertTrue(rebuilt.trusted(), () -> rebuilt.verdict().toString());
        assertEquals("signer:CN=Filter Vendor,O=Example", ((Verdict.Trusted) rebuilt.verdict()).record().approver());
    }

    @Test
    void aRebuildSignedByAnUnknownKeyOrUnsignedStaysChangedAndARevocationStands() throws Exception {
        store.addSigner(Signers.read(trusted.pem()), "admin");
        Path jar = write("g.jar", TestJars.bundle("g", "1.0", "payload"));
        approve(jar, "alice");
        Files.write(jar, TestJars.bundle("g", "1.0", "PAYLOAD"));
        assertEquals(TaintReason.CONTENT_CHANGED, reason(evaluate(jar)), "unsigned: the change is not approved");
        Files.write(jar, TestJars.sign(TestJars.bundle("g", "1.0", "PAYLOAD"), unknown, dir));
        assertEquals(TaintReason.METADATA_CHANGED, reason(evaluate(jar)), "signed (so a new manifest) by a key nobody trusts");
        store.revoke("g", Optional.empty(), "admin");
        Files.write(jar, TestJars.sign(TestJars.bundle("g", "1.0", "PAYLOAD"), trusted, dir));
        assertEquals(TaintReason.REVOKED, reason(evaluate(jar)), "a trusted signature does not undo a revocation");
    }

    @Test
    void aMalformedCertificateIsRefusedInOneLineWithoutJavaClassNames() throws Exception {
        Path pem = write("bad.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".getBytes());
        TrustException e = assertThrows(TrustException.class, () -> Signers.read(pem));
        assertTrue(e.getMessage().startsWith(pem + " is not an X.509 certificate (PEM or DER): "), e.getMessage());
        assertFalse(e.getMessage().matches(".*\\b(java|javax|sun)\\.[a-z.]+[A-Z]\\w*(Exception|Error).*"), e.getMessage());
        assertEquals("Incomplete data", Signers.oneLine("java.security.cert.CertificateException: java.io.IOException: Incomplete data"));
        assertEquals("plain reason", Signers.oneLine("plain reason\nat line two"));
    }

    @Test
    void aJarSignedByAnUnknownKeyIsRefused() throws Exception {
        store.addSigner(trusted.certificate(), "admin");
        Path jar = write("x.jar", TestJars.sign(TestJars.bundle("x", "1.0", "payload"), unknown, dir));
        Evaluation evaluation = evaluate(jar);
        assertEquals(TaintReason.UNTRUSTED_SIGNER, reason(evaluation));
        assertTrue(((Verdict.Tainted) evaluation.verdict()).detail().contains("CN=Someone Else"));
    }

    @Test
    void aSignedJarWithAChangedEntryFailsVerification() throws Exception {
        store.addSigner(trusted.certificate(), "admin");
        byte[] signed = TestJars.sign(TestJars.bundle("t", "1.0", "payload"), trusted, dir);
        byte[] tampered = replaceEntry(signed, "io/example/Payload.txt", "PAYLOAD");
        Evaluation evaluation = evaluate(write("t.jar", tampered));
        assertEquals(TaintReason.UNTRUSTED_SIGNER, reason(evaluation));
        assertTrue(((Verdict.Tainted) evaluation.verdict()).detail().contains("does not verify"),
                ((Verdict.Tainted) evaluation.verdict()).detail());
    }

    @Test
    void aPartlySignedJarIsRefused() throws Exception {
        byte[] signed = TestJars.sign(TestJars.bundle("q", "1.0", "payload"), trusted, dir);
        byte[] extended = addEntry(signed, "io/example/Extra.txt", "added after signing");
        Path file = write("q.jar", extended);
        TrustException e = assertThrows(TrustException.class, () -> JarInspection.signers(file));
        assertTrue(e.getMessage().contains("io/example/Extra.txt"), e.getMessage());
    }

    @Test
    void anAllowListedNameIsTrustedWithoutReadingItsJar() throws Exception {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("allowSymbolicNames", "PAXEXAM-PROBE-*");
        config = TrustConfig.parse(properties);
        Evaluation evaluation = evaluator.evaluate(new BundleFacts(9, "PAXEXAM-PROBE-1234", "local", Optional.empty()));
        assertTrue(evaluation.trusted());
        Evaluation other = evaluator.evaluate(new BundleFacts(9, "PAXEXAM-PROBEX", "local", Optional.empty()));
        assertEquals(TaintReason.NOT_APPROVED, reason(other));
    }

    @Test
    void anUnreadableLocationIsRefusedWithTheReason() {
        Evaluation evaluation = evaluator.evaluate(new BundleFacts(3, "y", "file:/no/such/y.jar", Optional.empty()));
        assertEquals(TaintReason.NOT_APPROVED, reason(evaluation));
        assertTrue(((Verdict.Tainted) evaluation.verdict()).detail().contains("/no/such/y.jar"));
    }

    private static byte[] replaceEntry(byte[] jar, String name, String content) throws Exception {
        return rewrite(jar, name, content, false);
    }

    private static byte[] addEntry(byte[] jar, String name, String content) throws Exception {
        return rewrite(jar, name, content, true);
    }

    private static byte[] rewrite(byte[] jar, String name, String content, boolean add) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar), false)) {
            Manifest manifest = in.getManifest();
            try (java.util.jar.JarOutputStream jarOut = new java.util.jar.JarOutputStream(out, manifest)) {
                for (java.util.jar.JarEntry entry; (entry = in.getNextJarEntry()) != null; ) {
                    jarOut.putNextEntry(new java.util.jar.JarEntry(entry.getName()));
                    if (!add && entry.getName().equals(name)) {
                        jarOut.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        in.readAllBytes();
                    } else {
                        in.transferTo(jarOut);
                    }
                    jarOut.closeEntry();
                }
                if (add) {
                    jarOut.putNextEntry(new java.util.jar.JarEntry(name));
                    jarOut.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    jarOut.closeEntry();
                }
            }
        }
        return out.toByteArray();
    }

}
