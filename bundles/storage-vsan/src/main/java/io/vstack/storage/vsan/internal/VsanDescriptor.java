package io.vstack.storage.vsan.internal;

import io.vstack.support.StoreFiles;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cluster's record of one object, kept in the cluster directory (not on the replicas' hosts,
 * so that a returning stale replica can never claim to be current): geometry, the hosts holding
 * its replicas, and which of them are stale. Written crash-safely before any write that made a
 * replica stale is acknowledged.
 *
 * @param capacity   the object's capacity
 * @param blockSize  the disk's block size
 * @param creator    the host it was created for
 * @param replicas   the hosts holding a replica, in placement order
 * @param stale      the replicas that miss writes
 * @param generation bumped on every rewrite
 */
record VsanDescriptor(long capacity, int blockSize, String creator, List<String> replicas, Set<String> stale,
                      long generation) {

    static final String VERSION = "1";

    void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("version", VERSION);
        p.setProperty("capacity", Long.toString(capacity));
        p.setProperty("blockSize", Integer.toString(blockSize));
        p.setProperty("host", creator);
        p.setProperty("replicas", String.join(",", replicas));
        p.setProperty("stale", String.join(",", stale));
        p.setProperty("generation", Long.toString(generation));
        StoreFiles.writeAtomically(file, p, "vstack store metadata");
    }

    static VsanDescriptor read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        if (!VERSION.equals(p.getProperty("version"))) {
            throw new IOException(file + ": unsupported object descriptor version " + p.getProperty("version"));
        }
        try {
            return new VsanDescriptor(Long.parseLong(p.getProperty("capacity")),
                    Integer.parseInt(p.getProperty("blockSize")), p.getProperty("host", ""),
                    List.of(p.getProperty("replicas").split(",")), split(p.getProperty("stale", "")),
                    Long.parseLong(p.getProperty("generation", "0")));
        } catch (RuntimeException e) {
            throw new IOException(file + ": corrupt object descriptor: " + e.getMessage(), e);
        }
    }

    private static Set<String> split(String list) {
        Set<String> set = new TreeSet<>();
        Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(set::add);
        return set;
    }
}
