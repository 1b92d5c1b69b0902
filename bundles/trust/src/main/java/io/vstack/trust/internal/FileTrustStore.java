package io.vstack.trust.internal;

import io.vstack.api.trust.BinaryIdentity;
import io.vstack.api.trust.TaintReason;
import io.vstack.api.trust.TrustException;
import io.vstack.api.trust.TrustRecord;
import io.vstack.api.trust.TrustStore;
import io.vstack.api.trust.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trust store: approvals, revocations and trusted signers, rebuilt from the MAC-chained
 * {@link TrustJournal} at load and kept as an immutable snapshot, so that {@link #verdict} never
 * blocks on I/O. Writes are serialized and durable before they are visible. If the journal or its
 * key fails verification the store is <em>tampered</em>: every verdict is
 * {@link TaintReason#STORE_TAMPERED}, nothing more is written, until {@link #repair}.
 */
final class FileTrustStore implements TrustStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileTrustStore.class);

    /** Journal entry types. */
    static final String APPROVE = "APPROVE";
    static final String REVOKE = "REVOKE";
    static final String KEY_ADD = "KEY_ADD";
    static final String KEY_REMOVE = "KEY_REMOVE";
    static final String REFUSE = "REFUSE";
    static final String STOP = "STOP";
    static final String MODE = "MODE";
    static final String REPAIR = "REPAIR";
    static final String FEATURE = "FEATURE";

    /** A trusted signer certificate. */
    record Signer(String fingerprint, String subject, X509Certificate certificate, Instant addedAt, String addedBy) {
    }

    /** One audit line: when, what, details. */
    record AuditEntry(long seq, Instant time, String type, Map<String, String> fields) {
    }

    private record State(List<TrustRecord> records, Map<String, Signer> signers, List<AuditEntry> audit,
                         Set<String> refusals, Optional<String> tampered) {
    }

    private final Path dir;
    private final Path keyFile;
    private final Clock clock;
    private final Object writeLock = new Object();
    private TrustJournal journal;
    private volatile State state = new State(List.of(), Map.of(), List.of(), Set.of(), Optional.empty());
    private volatile long generation;

    FileTrustStore(Path dir, Path keyFile, Clock clock) {
        this.dir = dir;
        this.keyFile = keyFile;
        this.clock = clock;
    }

    /** Loads (or creates) the key and the journal; a failed check leaves the store tampered, not thrown. */
    void load() {
        synchronized (writeLock) {
            journal = null;
            try {
                TrustKey key;
                boolean journalExists = java.nio.file.Files.exists(dir.resolve(TrustJournal.FILE))
                        || java.nio.file.Files.exists(dir.resolve(TrustJournal.HEAD));
                if (TrustKey.exists(keyFile)) {
                    key = TrustKey.load(keyFile);  // names the key file if it is damaged
                } else if (journalExists) {
                    fail("its key file " + keyFile + " is missing");
                    return;
                } else {
                    key = TrustKey.create(keyFile);
                    LOG.info("Created the trust store key {} (owner read/write only)", keyFile);
                }
                TrustJournal candidate = new TrustJournal(dir, key);
                List<TrustJournal.Entry> entries;
                try {
                    entries = candidate.load();
                } catch (IOException e) {
                    throw new IOException("its journal " + candidate.file() + " cannot be read: " + e.getMessage(), e);
                }
                journal = candidate;
                rebuild(entries);
                LOG.info("Trust store {} loaded: {} approvals, {} trusted signers, {} journal entries", dir,
                        state.records().size(), state.signers().size(), entries.size());
            } catch (TrustJournal.TamperedException e) {
                fail(e.getMessage());
            } catch (IOException | RuntimeException e) {
                fail(Signers.oneLine(e.getMessage()));
            }
        }
    }

    private void fail(String why) {
        String message = "the trust store " + dir + " failed its integrity check: " + why
                + "; nothing outside the platform is trusted until it is repaired (trust:repair)";
        LOG.error("{}", message);
        state = new State(List.of(), Map.of(), List.of(), Set.of(), Optional.of(message));
        generation++;
    }

    /** The reason the store is tampered, if it is. */
    Optional<String> tampered() {
        return state.tampered();
    }

    /** Increases with every change; caches of verdicts compare it. */
    long generation() {
        return generation;
    }

    @Override
    public Verdict verdict(BinaryIdentity binary) {
        State current = state;
        if (current.tampered().isPresent()) {
            return new Verdict.Tainted(TaintReason.STORE_TAMPERED, current.tampered().get());
        }
        TrustRecord sameBytes = null;
        TrustRecord sameName = null;
        boolean revokedName = false;
        for (TrustRecord record : current.records()) {
            BinaryIdentity approved = record.binary();
            if (approved.contentSha256().equals(binary.contentSha256())) {
                sameBytes = record;
            } else if (approved.symbolicName().equals(binary.symbolicName())
                    || approved.location().equals(binary.location())) {
                if (record.revoked()) {
                    revokedName = true;
                } else {
                    sameName = record;
                }
            }
        }
        if (sameBytes != null) {
            BinaryIdentity approved = sameBytes.binary();
            if (sameBytes.revoked()) {
                return new Verdict.Tainted(TaintReason.REVOKED, "approval of " + approved.symbolicName() + " "
                        + approved.version() + " was revoked");
            }
            if (!approved.symbolicName().equals(binary.symbolicName()) || !approved.version().equals(binary.version())
                    || !approved.manifestSha256().equals(binary.manifestSha256())
                    || (binary.signer().isPresent() && !binary.signer().equals(approved.signer()))) {
                return new Verdict.Tainted(TaintReason.METADATA_CHANGED, "approved as " + approved.symbolicName() + " "
                        + approved.version() + " but installed as " + binary.symbolicName() + " " + binary.version()
                        + " with manifest " + shortSha(binary.manifestSha256()));
            }
            return new Verdict.Trusted(sameBytes);
        }
        if (sameName != null) {
            BinaryIdentity approved = sameName.binary();
            if (!approved.manifestSha256().equals(binary.manifestSha256())) {
                return new Verdict.Tainted(TaintReason.METADATA_CHANGED, "manifest changed since approval: "
                        + shortSha(binary.manifestSha256()) + " is not the approved " + shortSha(approved.manifestSha256()));
            }
            return new Verdict.Tainted(TaintReason.CONTENT_CHANGED, "content changed since approval: "
                    + shortSha(binary.contentSha256()) + " is not the approved " + shortSha(approved.contentSha256()));
        }
        if (revokedName) {
            return new Verdict.Tainted(TaintReason.REVOKED, "approval of " + binary.symbolicName() + " was revoked");
        }
        return new Verdict.Tainted(TaintReason.NOT_APPROVED, binary.symbolicName() + " " + binary.version()
                + " was never approved (trust:install)");
    }

    static String shortSha(String sha) {
        return sha.substring(0, 12);
    }

    @Override
    public List<TrustRecord> records() {
        return state.records();
    }

    /** The trusted signers by fingerprint. */
    Map<String, Signer> signers() {
        return state.signers();
    }

    /** Every journal entry, oldest first. */
    List<AuditEntry> audit() {
        return state.audit();
    }

    /** Records an approval. */
    TrustRecord approve(BinaryIdentity binary, String approver) throws TrustException {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("loc", binary.location());
        fields.put("bsn", binary.symbolicName());
        fields.put("ver", binary.version());
        fields.put("sha", binary.contentSha256());
        fields.put("msha", binary.manifestSha256());
        binary.signer().ifPresent(signer -> fields.put("signer", signer));
        fields.put("by", approver);
        TrustJournal.Entry entry = append(APPROVE, fields);
        return new TrustRecord(binary, approver, entry.time(), false);
    }

    /** Revokes every standing approval of {@code symbolicName} (and {@code version}, if given); returns them. */
    List<TrustRecord> revoke(String symbolicName, Optional<String> version, String approver) throws TrustException {
        List<TrustRecord> matching = state.records().stream().filter(r -> !r.revoked())
                .filter(r -> r.binary().symbolicName().equals(symbolicName))
                .filter(r -> version.isEmpty() || r.binary().version().equals(version.get())).toList();
        if (matching.isEmpty()) {
            throw new TrustException("no standing approval of " + symbolicName + version.map(v -> " " + v).orElse("")
                    + "; trust:list --records shows the approvals");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("bsn", symbolicName);
        version.ifPresent(v -> fields.put("ver", v));
        fields.put("by", approver);
        append(REVOKE, fields);
        return matching;
    }

    /** Trusts a signer certificate. */
    Signer addSigner(X509Certificate certificate, String by) throws TrustException {
        String fingerprint = Signers.fingerprint(certificate);
        if (state.signers().containsKey(fingerprint)) {
            throw new TrustException("signer " + Signers.subject(certificate) + " is trusted already");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("fp", fingerprint);
        fields.put("dn", Signers.subject(certificate));
        try {
            fields.put("der", Base64.getEncoder().encodeToString(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new TrustException("certificate cannot be encoded: " + e.getMessage(), e);
        }
        fields.put("by", by);
        append(KEY_ADD, fields);
        return state.signers().get(fingerprint);
    }

    /** Stops trusting the signer whose fingerprint starts with {@code prefix} (at least 8 hex digits). */
    Signer removeSigner(String prefix, String by) throws TrustException {
        if (!prefix.matches("[0-9a-fA-F]{8,64}")) {
            throw new TrustException("give at least 8 hex digits of the signer's fingerprint (trust:keys list)");
        }
        List<Signer> matches = state.signers().values().stream()
                .filter(s -> s.fingerprint().startsWith(prefix.toLowerCase(java.util.Locale.ROOT))).toList();
        if (matches.size() != 1) {
            throw new TrustException((matches.isEmpty() ? "no trusted signer" : matches.size() + " trusted signers")
                    + " with fingerprint " + prefix + "; trust:keys list shows them");
        }
        Signer signer = matches.get(0);
        append(KEY_REMOVE, Map.of("fp", signer.fingerprint(), "dn", signer.subject(), "by", by));
        return signer;
    }

    /** Whether {@code certificate} is a trusted signer. */
    Optional<Signer> trustedSigner(X509Certificate certificate) {
        return Optional.ofNullable(state.signers().get(Signers.fingerprint(certificate)));
    }

    /**
     * Audits a refusal once: returns false (and writes nothing) if the same refusal of the same bytes
     * is in the journal already, or if the store cannot be written.
     */
    boolean auditRefusalOnce(Map<String, String> fields) {
        String key = fields.get("loc") + "|" + fields.get("sha") + "|" + fields.get("reason");
        if (state.refusals().contains(key) || state.tampered().isPresent()) {
            return false;
        }
        return auditQuietly(REFUSE, fields);
    }

    /** Appends an audit entry; failures are logged, not thrown (auditing must not break enforcement). */
    boolean auditQuietly(String type, Map<String, String> fields) {
        try {
            append(type, fields);
            return true;
        } catch (TrustException e) {
            LOG.warn("Audit entry {} {} not written: {}", type, fields, e.getMessage());
            return false;
        }
    }

    /**
     * Moves the files of a store that failed its check aside (journal, head, and the key file if it
     * is damaged) and starts an empty store with a valid key; nothing but the platform is trusted
     * after. Returns where the files went.
     */
    List<Path> repair(String by) throws TrustException {
        synchronized (writeLock) {
            if (state.tampered().isEmpty()) {
                throw new TrustException("the trust store is intact; nothing to repair");
            }
            try {
                Instant now = clock.instant();
                java.nio.file.Files.createDirectories(dir);
                List<Path> moved = new ArrayList<>(new TrustJournal(dir, null).moveAside(now));
                TrustKey key;
                try {
                    key = TrustKey.exists(keyFile) ? TrustKey.load(keyFile) : TrustKey.create(keyFile);
                } catch (IOException damaged) {
                    LOG.warn("Trust store repair: {}; moving it aside and creating a new key", damaged.getMessage());
                    TrustJournal.moveAside(keyFile, now).ifPresent(moved::add);
                    key = TrustKey.create(keyFile);
                }
                journal = new TrustJournal(dir, key);
                journal.load();
                state = new State(List.of(), Map.of(), List.of(), Set.of(), Optional.empty());
                generation++;
                String files = moved.stream().map(Path::toString).collect(Collectors.joining(", "));
                append(REPAIR, Map.of("moved", files, "by", by));
                LOG.warn("Trust store repaired by {}: moved aside {}; the store is empty, re-approve bundles with trust:install",
                        by, files);
                return List.copyOf(moved);
            } catch (IOException | TrustJournal.TamperedException e) {
                throw new TrustException("trust store repair failed: " + Signers.oneLine(e.getMessage()), e);
            }
        }
    }

    private TrustJournal.Entry append(String type, Map<String, String> fields) throws TrustException {
        synchronized (writeLock) {
            if (state.tampered().isPresent() || journal == null) {
                throw new TrustException(state.tampered().orElse("the trust store is not loaded"));
            }
            try {
                TrustJournal.Entry entry = journal.append(type, fields, clock.instant());
                List<AuditEntry> audit = new ArrayList<>(state.audit());
                audit.add(new AuditEntry(entry.seq(), entry.time(), entry.type(), entry.fields()));
                State next = apply(new Builder(state), entry).build(audit);
                state = next;
                generation++;
                return entry;
            } catch (IOException e) {
                throw new TrustException("cannot write the trust store " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    private void rebuild(List<TrustJournal.Entry> entries) {
        Builder builder = new Builder(new State(List.of(), Map.of(), List.of(), Set.of(), Optional.empty()));
        List<AuditEntry> audit = new ArrayList<>(entries.size());
        for (TrustJournal.Entry entry : entries) {
            apply(builder, entry);
            audit.add(new AuditEntry(entry.seq(), entry.time(), entry.type(), entry.fields()));
        }
        state = builder.build(audit);
        generation++;
    }

    private static final class Builder {
        final List<TrustRecord> records;
        final Map<String, Signer> signers;
        final Set<String> refusals;

        Builder(State from) {
            records = new ArrayList<>(from.records());
            signers = new LinkedHashMap<>(from.signers());
            refusals = new HashSet<>(from.refusals());
        }

        State build(List<AuditEntry> audit) {
            return new State(Collections.unmodifiableList(records), Collections.unmodifiableMap(signers),
                    Collections.unmodifiableList(audit), Collections.unmodifiableSet(refusals), Optional.empty());
        }
    }

    private static Builder apply(Builder builder, TrustJournal.Entry entry) {
        switch (entry.type()) {
            case APPROVE -> {
                String signer = entry.field("signer");
                BinaryIdentity binary = new BinaryIdentity(entry.field("loc"), entry.field("bsn"), entry.field("ver"),
                        entry.field("sha"), entry.field("msha"), signer.isEmpty() ? Optional.empty() : Optional.of(signer));
                builder.records.add(new TrustRecord(binary, entry.field("by"), entry.time(), false));
            }
            case REVOKE -> {
                String version = entry.field("ver");
                builder.records.replaceAll(r -> !r.revoked() && r.binary().symbolicName().equals(entry.field("bsn"))
                        && (version.isEmpty() || r.binary().version().equals(version))
                        ? new TrustRecord(r.binary(), r.approver(), r.approvedAt(), true) : r);
            }
            case KEY_ADD -> {
                try {
                    X509Certificate certificate = Signers.parse(Base64.getDecoder().decode(entry.field("der")),
                            "journal entry " + entry.seq());
                    builder.signers.put(entry.field("fp"), new Signer(entry.field("fp"), entry.field("dn"), certificate,
                            entry.time(), entry.field("by")));
                } catch (TrustException | IllegalArgumentException e) {
                    LOG.error("Trust journal entry {}: signer certificate unreadable, not trusted: {}", entry.seq(),
                            e.getMessage());
                }
            }
            case KEY_REMOVE -> builder.signers.remove(entry.field("fp"));
            case REFUSE -> builder.refusals.add(entry.field("loc") + "|" + entry.field("sha") + "|" + entry.field("reason"));
            default -> {
                // STOP, MODE, REPAIR, FEATURE: audit only
            }
        }
        return builder;
    }
}
