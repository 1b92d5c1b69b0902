package io.vstack.memory.internal.handle;

import io.vstack.support.ConfigKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The memory sharing service's settings, parsed from {@link MemorySharingComponent.Config}.
 *
 * @param directory       the broker's key and audit log
 * @param regionDirectory region files, ring files and the socket
 * @param sectionSize     bytes per section of a mapped handle
 * @param maxClients      client connections served at once
 */
record SharingSettings(Path directory, Path regionDirectory, long sectionSize, int maxClients) {

    static final String PID = MemorySharingComponent.PID;
    static final Path SHM = Path.of("/dev/shm");
    static final long MIN_SECTION = 2L << 20;
    static final long MAX_SECTION = 1L << 30;

    static SharingSettings parse(MemorySharingComponent.Config config, Path dataRoot) {
        Path directory = ConfigKeys.writableDirectory(PID, "directory",
                ConfigKeys.dataDirectory(config.directory(), dataRoot, "vstack", "memory"));
        Path regions = ConfigKeys.parse(PID, "regionDirectory", () -> regionDirectory(config.regionDirectory(), directory));
        long section = ConfigKeys.size(PID, "sectionSize", config.sectionSize(), false);
        ConfigKeys.parse(PID, "sectionSize", () -> {
            if (section < MIN_SECTION || section > MAX_SECTION || section % 4096 != 0) {
                throw new IllegalArgumentException(section + " must be a multiple of 4096 from 2M to 1G");
            }
            return section;
        });
        int clients = ConfigKeys.wholeNumber(PID, "maxClients", config.maxClients(), 1, 256);
        return new SharingSettings(directory, regions, section, clients);
    }

    /**
     * The configured region directory (absolute), or by default a directory on {@code /dev/shm}
     * named after the data directory (two distributions on one machine do not meet), or
     * {@code <directory>/regions} where there is no {@code /dev/shm}.
     */
    static Path regionDirectory(String configured, Path directory) {
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured.trim());
            if (!p.isAbsolute()) {
                throw new IllegalArgumentException(p + " is not an absolute path");
            }
            return p.normalize();
        }
        if (Files.isDirectory(SHM) && Files.isWritable(SHM)) {
            return SHM.resolve("vstack-memory-" + shortHash(directory.toAbsolutePath().toString()));
        }
        return directory.resolve("regions");
    }

    private static String shortHash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
