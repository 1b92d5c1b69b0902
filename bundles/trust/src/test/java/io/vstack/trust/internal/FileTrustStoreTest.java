package io.vstack.trust.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.trust.BinaryIdentity;
import io.vstack.api.trust.TaintReason;
import io.vstack.api.trust.TrustException;
import io.vstack.api.trust.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MAC-chained journal: approvals survive a reload; any edit, deletion, reordering or truncation fails closed. */
class FileTrustStoreTest {

    @TempDir
    Path dir;

    private Path storeDir;
    private Path keyFile;
    private final BinaryIdentity a = identity("a", "1", 'a');
    private final BinaryIdentity b = identity("b", "1", 'b');
    private final BinaryIdentity c = identity("c", "1", 'c');

    @BeforeEach
    void paths() {
        storeDir = dir.resolve("trust");
        keyFile = dir.resolve("etc/vstack-trust.key");
    }

    static BinaryIdentity identity(String name, String version, char digit) {
        return new BinaryIdentity("file:/bundles/" + name + ".jar", name, version, String.valueOf(digit).repeat(64),
                String.valueOf(digit).repeat(63) + "0", Optional.empty());
    }

    private FileTrustStore load() {
        FileTrustStore store = new FileTrustStore(storeDir, keyFile, Clock.systemUTC());
        store.load();
        return store;
    }

    private FileTrustStore threeApprovals() throws TrustException {
        FileTrustStore store = load();
        store.approve(a, "alice");
        store.approve(b, "bob");
        store.approve(c, "carol");
        return store;
    }

    private List<String> journal() throws Exception {
        return new ArrayList<>(Files.readAllLines(storeDir.resolve(TrustJournal.FILE)));
    }

    private void writeJournal(List<String> lines) throws Exception {
        Files.write(storeDir.resolve(TrustJournal.FILE), lines);
    }

    private static void assertTampered(FileTrustStore store, String expected) {
        assertTrue(store.tampered().isPresent(), "store must be tampered");
        assertTrue(store.tampered().get().contains(expected), store.tampered().get());
        Verdict verdict = store.verdict(identity("a", "1", 'a'));
        assertEquals(TaintReason.STORE_TAMPERED, ((Verdict.Tainted) verdict).reason());
        assertTrue(store.records().isEmpty());
    }

    @Test
    void approvalsSurviveAReloadFromDisk() throws Exception {
        threeApprovals();
        FileTrustStore reloaded = load();
        assertTrue(reloaded.tampered().isEmpty());
        assertEquals(3, reloaded.records().size());
        Verdict verdict = reloaded.verdict(a);
        assertInstanceOf(Verdict.Trusted.class, verdict);
        assertEquals("alice", ((Verdict.Trusted) verdict).record().approver());
    }

    @Test
    void theKeyFileIsCreatedOwnerOnlyAndNeverInTheJournal() throws Exception {
        threeApprovals();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        String key = Files.readString(keyFile).strip();
        assertEquals(64, key.length());
        assertFalse(Files.readString(storeDir.resolve(TrustJournal.FILE)).contains(key));
    }

    @Test
    void anEditedLineFailsClosed() throws Exception {
        threeApprovals();
        List<String> lines = journal();
        lines.set(1, lines.get(1).replace("by=bob", "by=mallory"));
        writeJournal(lines);
        assertTampered(load(), "journal line 2 fails its MAC check");
    }

    @Test
    void aDeletedLineFailsClosed() throws Exception {
        threeApprovals();
        List<String> lines = journal();
        lines.remove(1);
        writeJournal(lines);
        assertTampered(load(), "journal line 2");
    }

    @Test
    void reorderedLinesFailClosed() throws Exception {
        threeApprovals();
        List<String> lines = journal();
        Collections.swap(lines, 0, 1);
        writeJournal(lines);
        assertTampered(load(), "journal line 1");
    }

    @Test
    void aTruncatedJournalFailsClosed() throws Exception {
        threeApprovals();
        List<String> lines = journal();
        lines.remove(2);
        writeJournal(lines);
        assertTampered(load(), "entries were deleted at the end");
    }

    @Test
    void aMissingKeyOrHeadOrJournalFailsClosed() throws Exception {
        threeApprovals();
        Path key = Files.move(keyFile, dir.resolve("key.bak"));
        assertTampered(load(), "key file");
        Files.move(key, keyFile);
        Files.move(storeDir.resolve(TrustJournal.HEAD), dir.resolve("head.bak"));
        assertTampered(load(), "head file");
        Files.move(dir.resolve("head.bak"), storeDir.resolve(TrustJournal.HEAD));
        Files.delete(storeDir.resolve(TrustJournal.FILE));
        assertTampered(load(), "journal");
    }

    @Test
    void aLineWrittenWithAnotherKeyFailsClosed() throws Exception {
        threeApprovals();
        Files.writeString(keyFile, "0".repeat(64) + "\n", StandardCharsets.US_ASCII);
        assertTampered(load(), "fails its MAC check");
    }

    @Test
    void aTamperedStoreRefusesWritesUntilRepaired() throws Exception {
        threeApprovals();
        List<String> lines = journal();
        lines.set(0, lines.get(0).replace("alice", "alicf"));
        writeJournal(lines);
        FileTrustStore store = load();
        assertThrows(TrustException.class, () -> store.approve(a, "alice"));
        List<Path> moved = store.repair("admin");
        assertEquals(List.of(TrustJournal.FILE, TrustJournal.HEAD), moved.stream()
                .map(p -> p.getFileName().toString().replaceFirst("\\.tampered-\\d+$", "")).toList());
        assertTrue(moved.stream().allMatch(Files::exists));
        assertTrue(store.tampered().isEmpty());
        assertEquals(TaintReason.NOT_APPROVED, ((Verdict.Tainted) store.verdict(a)).reason());
        store.approve(a, "alice");
        FileTrustStore reloaded = load();
        assertTrue(reloaded.tampered().isEmpty());
        assertTrue(reloaded.verdict(a).trusted());
        assertEquals("REPAIR", reloaded.audit().get(0).type());
    }

    @Test
    void aDamagedKeyFileIsNamedAndRepairMovesItAsideWithTheJournal() throws Exception {
        threeApprovals();
        Files.writeString(keyFile, "not a key\n", StandardCharsets.US_ASCII);
        FileTrustStore store = load();
        assertTampered(store, "key file " + keyFile + " is damaged");
        List<Path> moved = store.repair("admin");
        assertEquals(3, moved.size(), moved::toString);
        assertTrue(moved.stream().anyMatch(p -> p.getFileName().toString().startsWith("vstack-trust.key.tampered-")));
        assertEquals("not a key\n", Files.readString(moved.get(2)), "the damaged key is kept, aside");
        assertTrue(store.tampered().isEmpty());
        store.approve(a, "alice");
        FileTrustStore reloaded = load();
        assertTrue(reloaded.tampered().isEmpty(), () -> reloaded.tampered().orElse(""));
        assertTrue(reloaded.verdict(a).trusted());
    }

    @Test
    void anUnreadableKeyWithoutAJournalIsRepairedToo() throws Exception {
        Files.createDirectories(keyFile);
        FileTrustStore store = load();
        assertTampered(store, "key file " + keyFile + " cannot be read");
        assertEquals(1, store.repair("admin").size(), "only the key file was there");
        assertTrue(load().tampered().isEmpty());
    }

    @Test
    void changedBytesOrManifestOrRevocationAreTainted() throws Exception {
        FileTrustStore store = threeApprovals();
        BinaryIdentity flipped = new BinaryIdentity(a.location(), "a", "1", "f".repeat(64), a.manifestSha256(), Optional.empty());
        assertEquals(TaintReason.CONTENT_CHANGED, ((Verdict.Tainted) store.verdict(flipped)).reason());
        BinaryIdentity edited = new BinaryIdentity(a.location(), "a", "1", "e".repeat(64), "e".repeat(64), Optional.empty());
        assertEquals(TaintReason.METADATA_CHANGED, ((Verdict.Tainted) store.verdict(edited)).reason());
        BinaryIdentity stranger = identity("z", "1", 'd');
        assertEquals(TaintReason.NOT_APPROVED, ((Verdict.Tainted) store.verdict(stranger)).reason());

        store.revoke("b", Optional.empty(), "admin");
        assertEquals(TaintReason.REVOKED, ((Verdict.Tainted) load().verdict(b)).reason());
        assertThrows(TrustException.class, () -> store.revoke("b", Optional.empty(), "admin"));
        store.approve(b, "bob");
        assertTrue(load().verdict(b).trusted(), "re-approval after revocation");
    }

    @Test
    void refusalsAreAuditedOnceAcrossReloads() throws Exception {
        FileTrustStore store = load();
        java.util.Map<String, String> refusal = java.util.Map.of("loc", "file:/x.jar", "sha", "1".repeat(64), "reason", "UNSIGNED");
        assertTrue(store.auditRefusalOnce(refusal));
        assertFalse(store.auditRefusalOnce(refusal));
        assertFalse(load().auditRefusalOnce(refusal));
        assertEquals(1, load().audit().stream().filter(e -> e.type().equals("REFUSE")).count());
    }

    @Test
    void aCrashBetweenLineAndHeadIsHealed() throws Exception {
        threeApprovals();
        Path head = storeDir.resolve(TrustJournal.HEAD);
        byte[] headAfterTwo;
        // Rebuild a store with two approvals to capture its head, then add the third line back.
        List<String> lines = journal();
        writeJournal(lines.subList(0, 2));
        Files.delete(head);
        Files.delete(storeDir.resolve(TrustJournal.FILE));
        FileTrustStore two = load();
        assertTrue(two.tampered().isEmpty());
        // a fresh store with the same key: replay the first two lines through the API
        two.approve(a, "alice");
        two.approve(b, "bob");
        headAfterTwo = Files.readAllBytes(head);
        two.approve(c, "carol");
        Files.write(head, headAfterTwo);
        FileTrustStore reloaded = load();
        assertTrue(reloaded.tampered().isEmpty(), () -> reloaded.tampered().orElse(""));
        assertEquals(3, reloaded.records().size());
    }
}
