package io.vstack.disks.internal;

import io.vstack.support.StoreFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes several metadata files as one: a redo journal. {@link #commit} writes every new file's
 * content into one journal file ({@code journal/<n>.txn}, a properties file with the contents in
 * base64) crash-safely — that write is the commit point — then writes each file crash-safely and
 * removes the journal. {@link #replay}, run at start before the inventory loads, finishes every
 * journal left by a crash, so a change is either not seen at all or seen whole.
 */
final class MetadataJournal {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataJournal.class);
    static final String DIRECTORY = "journal";
    private static final String SUFFIX = ".txn";

    private MetadataJournal() {
    }

    /** Writes {@code files} (path → content) as one change. */
    static void commit(Path dir, Map<Path, byte[]> files) throws IOException {
        Path journal = prepare(dir, files);
        apply(dir, files);
        Files.delete(journal);
        StoreFiles.syncDirectory(journal.getParent());
    }

    /** Writes the journal of a change: its commit point. Returns the journal file. */
    static Path prepare(Path dir, Map<Path, byte[]> files) throws IOException {
        Properties p = new Properties();
        p.setProperty("format.version", "1");
        p.setProperty("files", Integer.toString(files.size()));
        int i = 0;
        for (Map.Entry<Path, byte[]> e : files.entrySet()) {
            p.setProperty("file." + i + ".name", dir.relativize(e.getKey()).toString());
            p.setProperty("file." + i + ".content", Base64.getEncoder().encodeToString(e.getValue()));
            i++;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        p.store(bytes, " vstack disks: a metadata change in progress; replayed at start");
        Path journal = dir.resolve(DIRECTORY).resolve(System.nanoTime() + SUFFIX);
        StoreFiles.writeAtomically(journal, bytes.toByteArray());
        return journal;
    }

    private static void apply(Path dir, Map<Path, byte[]> files) throws IOException {
        for (Map.Entry<Path, byte[]> e : files.entrySet()) {
            StoreFiles.writeAtomically(e.getKey(), e.getValue());
        }
    }

    /**
     * Finishes the changes a crash left half done; removes journals cut short before their commit
     * point (temp files).
     *
     * @return one line per journal that could not be replayed (it is kept)
     */
    static List<String> replay(Path dir) {
        List<String> errors = new ArrayList<>();
        Path journals = dir.resolve(DIRECTORY);
        if (!Files.isDirectory(journals)) {
            return errors;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(journals)) {
            stream.forEach(files::add);
        } catch (IOException e) {
            errors.add("metadata journal " + journals + " cannot be read: " + e.getMessage());
            return errors;
        }
        files.sort(null);
        for (Path file : files) {
            String name = file.getFileName().toString();
            try {
                if (name.endsWith(SUFFIX + DiskMetadata.TEMP_SUFFIX)) {
                    Files.delete(file);
                    LOG.info("Removed {}: a metadata change cut short before its commit point, so never seen", file);
                } else if (name.endsWith(SUFFIX)) {
                    apply(dir, read(dir, file));
                    Files.delete(file);
                    LOG.info("Replayed the metadata change {} left by a crash", file);
                }
            } catch (IOException | IllegalArgumentException e) {
                errors.add("metadata journal " + file + " cannot be replayed: " + e.getMessage());
                LOG.error("metadata journal {} cannot be replayed: {}", file, e.getMessage(), e);
            }
        }
        return errors;
    }

    private static Map<Path, byte[]> read(Path dir, Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.ISO_8859_1));
        }
        int count = Integer.parseInt(p.getProperty("files", "-1"));
        if (count < 0) {
            throw new IllegalArgumentException("key files is missing");
        }
        Map<Path, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = p.getProperty("file." + i + ".name");
            String content = p.getProperty("file." + i + ".content");
            if (name == null || content == null) {
                throw new IllegalArgumentException("entry " + i + " is incomplete");
            }
            Path target = dir.resolve(name).normalize();
            if (!target.startsWith(dir)) {
                throw new IllegalArgumentException("entry " + i + " points outside " + dir);
            }
            files.put(target, Base64.getDecoder().decode(content));
        }
        return files;
    }
}
