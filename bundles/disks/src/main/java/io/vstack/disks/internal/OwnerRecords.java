package io.vstack.disks.internal;

import io.vstack.api.disk.OwnerRecord;
import io.vstack.support.StoreFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;

/**
 * A disk's owner record on disk: {@code state/<disk>/owner.properties} under the metadata
 * directory (deleted with the disk), written crash-safely ({@link StoreFiles#writeAtomically}:
 * temp file, fsync, atomic rename), so after a crash it holds the old record or the new one.
 * Format version 1: {@code version, host, endpoint, epoch, leaseUntil} (epoch milliseconds),
 * {@code released}.
 */
final class OwnerRecords {

    static final String FILE = "owner.properties";

    private OwnerRecords() {
    }

    static Path file(Path directory, String diskId) {
        return DiskService.stateDirectory(directory, diskId).resolve(FILE);
    }

    /** The record of a disk that has none yet: its creator (the metadata's owner) at epoch 1, lease not yet granted. */
    static OwnerRecord initial(String diskId, String owner) {
        return new OwnerRecord(diskId, owner, "", 1, Instant.EPOCH, false);
    }

    /**
     * Reads a disk's record, or {@link #initial} if it has none.
     *
     * @throws IOException if the file cannot be read or is malformed (the message names the file)
     */
    static OwnerRecord read(Path directory, String diskId, String owner) throws IOException {
        Path file = file(directory, diskId);
        Properties p;
        try {
            p = StoreFiles.readProperties(file);
        } catch (NoSuchFileException e) {
            return initial(diskId, owner);
        }
        try {
            if (!"1".equals(p.getProperty("version"))) {
                throw new IllegalArgumentException("version " + p.getProperty("version") + " is not 1");
            }
            return new OwnerRecord(diskId, required(p, "host"), p.getProperty("endpoint", ""),
                    Long.parseLong(required(p, "epoch")), Instant.ofEpochMilli(Long.parseLong(required(p, "leaseUntil"))),
                    Boolean.parseBoolean(required(p, "released")));
        } catch (IllegalArgumentException e) {
            throw new IOException("owner record " + file + " is malformed: " + e.getMessage(), e);
        }
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("key " + key + " is missing");
        }
        return v.trim();
    }

    /** Replaces the disk's record crash-safely. */
    static void write(Path directory, OwnerRecord record) throws IOException {
        Properties p = new Properties();
        p.setProperty("version", "1");
        p.setProperty("host", record.host());
        p.setProperty("endpoint", record.endpoint());
        p.setProperty("epoch", Long.toString(record.epoch()));
        p.setProperty("leaseUntil", Long.toString(record.leaseUntil().toEpochMilli()));
        p.setProperty("released", Boolean.toString(record.released()));
        Path file = file(directory, record.diskId());
        Files.createDirectories(file.getParent());
        StoreFiles.writeAtomically(file, p, "vstack disk owner record (collaborative release)");
    }
}
