package io.vstack.support;

import io.vstack.api.storage.StoreSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The metadata file of a file-backed store ({@code <store id>.meta} beside its data): a
 * readable, versioned properties file written crash-safely through {@link StoreFiles}.
 * Backends that keep one store per file in a directory (SAN LUNs, NFS files, vSAN objects) use it
 * to find their stores again after a restart.
 *
 * @param capacity  the store's capacity in bytes
 * @param blockSize the disk's block size in bytes
 * @param host      the host it was created for
 */
public record StoreMetadata(long capacity, int blockSize, String host) {

    /** The file name suffix of a metadata file. */
    public static final String SUFFIX = ".meta";

    private static final String VERSION = "1";

    /** The metadata of {@code spec}'s store. */
    public static StoreMetadata of(StoreSpec spec) {
        return new StoreMetadata(spec.capacity(), spec.blockSize(), spec.host());
    }

    /** The metadata file of store {@code id} in {@code directory}. */
    public static Path file(Path directory, String id) {
        return directory.resolve(id + SUFFIX);
    }

    /** Writes this metadata to {@code file} crash-safely. */
    public void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("version", VERSION);
        p.setProperty("capacity", Long.toString(capacity));
        p.setProperty("blockSize", Integer.toString(blockSize));
        p.setProperty("host", host);
        StoreFiles.writeAtomically(file, p, "vstack store metadata");
    }

    /**
     * Reads a metadata file.
     *
     * @throws IOException naming the file if it is missing, of another version, or corrupt
     */
    public static StoreMetadata read(Path file) throws IOException {
        Properties p = StoreFiles.readProperties(file);
        if (!VERSION.equals(p.getProperty("version"))) {
            throw new IOException(file + ": unsupported metadata version " + p.getProperty("version"));
        }
        try {
            return new StoreMetadata(Long.parseLong(p.getProperty("capacity")), Integer.parseInt(p.getProperty("blockSize")),
                    p.getProperty("host", ""));
        } catch (NumberFormatException | NullPointerException e) {
            throw new IOException(file + ": corrupt metadata: " + e.getMessage(), e);
        }
    }

    /**
     * The ids of the stores that have a metadata file in {@code directory}, sorted; none if the
     * directory cannot be listed (opening a store then reports why).
     */
    public static List<String> list(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(SUFFIX))
                    .map(f -> f.substring(0, f.length() - SUFFIX.length())).sorted().toList();
        } catch (IOException unlistable) {
            return List.of();
        }
    }

    /** The capacity the stores in {@code directory} reserve in all; unreadable metadata counts as none. */
    public static long reserved(Path directory) {
        long reserved = 0;
        for (String id : list(directory)) {
            try {
                reserved += read(file(directory, id)).capacity();
            } catch (IOException unreadable) {
                // a half-created or damaged store reserves nothing; opening it reports the damage
            }
        }
        return reserved;
    }
}
