package io.vstack.trust.internal;

import io.vstack.support.StoreFiles;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The trust store on disk: an append-only journal, one entry per line, each line MAC'd with
 * HMAC-SHA256 over the previous line's MAC and its own text (a chain), plus a head file that
 * MACs the entry count and the last MAC so that a truncated journal is detected too.
 * <pre>
 * journal.log:   v1 &lt;seq&gt; &lt;time&gt; &lt;TYPE&gt; &lt;k=v&amp;k=v | -&gt; &lt;mac&gt;
 * journal.head:  v1 &lt;count&gt; &lt;last mac&gt; &lt;mac&gt;
 * </pre>
 * Not thread-safe: the store serializes access.
 */
final class TrustJournal {

    static final String FILE = "journal.log";
    static final String HEAD = "journal.head";
    private static final String VERSION = "v1";
    private static final String GENESIS = "0".repeat(64);

    /** One journal line. */
    record Entry(long seq, Instant time, String type, Map<String, String> fields, String mac) {
        String field(String name) {
            return fields.getOrDefault(name, "");
        }
    }

    /** The journal failed its integrity check. */
    static final class TamperedException extends Exception {
        private static final long serialVersionUID = 1L;

        TamperedException(String message) {
            super(message);
        }
    }

    private final Path dir;
    private final TrustKey key;
    private long count;
    private String lastMac = GENESIS;

    TrustJournal(Path dir, TrustKey key) {
        this.dir = dir;
        this.key = key;
    }

    Path file() {
        return dir.resolve(FILE);
    }

    /** Reads and verifies every entry, oldest first; fails on the first sign of tampering. */
    List<Entry> load() throws IOException, TamperedException {
        Path journal = file();
        Path head = dir.resolve(HEAD);
        boolean hasJournal = Files.exists(journal);
        boolean hasHead = Files.exists(head);
        if (!hasJournal && !hasHead) {
            count = 0;
            lastMac = GENESIS;
            return List.of();
        }
        if (!hasJournal) {
            throw new TamperedException("the journal " + journal + " is missing but its head file exists");
        }
        if (!hasHead) {
            throw new TamperedException("the head file " + head + " is missing");
        }
        List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines = lines.subList(0, lines.size() - 1);
        }
        List<Entry> entries = new ArrayList<>(lines.size());
        List<String> macs = new ArrayList<>(lines.size() + 1);
        macs.add(GENESIS);
        String previous = GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            Entry entry = parse(lines.get(i), i + 1, previous);
            entries.add(entry);
            previous = entry.mac();
            macs.add(previous);
        }
        String[] headFields = Files.readString(head, StandardCharsets.US_ASCII).strip().split(" ");
        if (headFields.length != 4 || !VERSION.equals(headFields[0])) {
            throw new TamperedException("the head file " + head + " is malformed");
        }
        long headCount;
        try {
            headCount = Long.parseLong(headFields[1]);
        } catch (NumberFormatException e) {
            throw new TamperedException("the head file " + head + " is malformed");
        }
        if (!equal(key.mac(headText(headCount, headFields[2])), headFields[3])) {
            throw new TamperedException("the head file " + head + " fails its MAC check");
        }
        if (headCount > entries.size()) {
            throw new TamperedException("the journal has " + entries.size() + " entries but " + headCount
                    + " were written: entries were deleted at the end");
        }
        if (!equal(macs.get((int) headCount), headFields[2])) {
            throw new TamperedException("the journal does not match its head file at entry " + headCount);
        }
        count = entries.size();
        lastMac = previous;
        if (headCount < entries.size()) {
            // Crash between appending a line and writing the head: the extra lines carry valid MACs.
            writeHead();
        }
        return Collections.unmodifiableList(entries);
    }

    /** Appends an entry, durably, and returns it. */
    Entry append(String type, Map<String, String> fields, Instant time) throws IOException {
        if (!type.matches("[A-Z_]+")) {
            throw new IllegalArgumentException("bad entry type " + type);
        }
        Files.createDirectories(dir);
        long seq = count + 1;
        String body = VERSION + " " + seq + " " + time + " " + type + " " + encode(fields);
        String mac = key.mac(lastMac + "|" + body);
        byte[] line = (body + " " + mac + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        count = seq;
        lastMac = mac;
        writeHead();
        return new Entry(seq, time, type, Map.copyOf(fields), mac);
    }

    private void writeHead() throws IOException {
        String text = VERSION + " " + count + " " + lastMac + " " + key.mac(headText(count, lastMac)) + "\n";
        StoreFiles.writeAtomically(dir.resolve(HEAD), text.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Moves the journal and its head aside (to {@code *.tampered-<millis>}) so that a new one can
     * start; returns where they went (nothing if neither exists).
     */
    List<Path> moveAside(Instant now) throws IOException {
        List<Path> moved = new ArrayList<>(2);
        for (Path file : List.of(file(), dir.resolve(HEAD))) {
            moveAside(file, now).ifPresent(moved::add);
        }
        count = 0;
        lastMac = GENESIS;
        return moved;
    }

    /** Moves {@code file}, if it exists, to {@code <file>.tampered-<millis>} beside it and returns the new path. */
    static Optional<Path> moveAside(Path file, Instant now) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(Files.move(file, file.resolveSibling(file.getFileName() + ".tampered-" + now.toEpochMilli())));
    }

    private static String headText(long count, String lastMac) {
        return "head|" + count + "|" + lastMac;
    }

    private Entry parse(String line, long expectedSeq, String previousMac) throws TamperedException {
        String[] parts = line.split(" ");
        if (parts.length != 6 || !VERSION.equals(parts[0])) {
            throw new TamperedException("journal line " + expectedSeq + " is malformed");
        }
        int lastSpace = line.lastIndexOf(' ');
        String body = line.substring(0, lastSpace);
        String mac = parts[5];
        if (!equal(key.mac(previousMac + "|" + body), mac)) {
            throw new TamperedException("journal line " + expectedSeq
                    + " fails its MAC check (edited, deleted, inserted or reordered lines)");
        }
        long seq;
        Instant time;
        try {
            seq = Long.parseLong(parts[1]);
            time = Instant.parse(parts[2]);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new TamperedException("journal line " + expectedSeq + " is malformed");
        }
        if (seq != expectedSeq) {
            throw new TamperedException("journal line " + expectedSeq + " carries sequence number " + seq);
        }
        return new Entry(seq, time, parts[3], decode(parts[4]), mac);
    }

    private static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    static String encode(Map<String, String> fields) {
        if (fields.isEmpty()) {
            return "-";
        }
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static Map<String, String> decode(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (!"-".equals(text)) {
            for (String pair : text.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                fields.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
        }
        return Collections.unmodifiableMap(fields);
    }
}
