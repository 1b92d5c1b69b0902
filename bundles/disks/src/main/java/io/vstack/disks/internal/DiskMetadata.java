package io.vstack.disks.internal;

import io.vstack.support.StoreFiles;
import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.MissingFilterPolicy;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.StoreSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A disk's metadata as stored in its file {@code <id>.disk}: a Java properties file, readable and
 * versioned ({@code format.version=1}), written crash-safely (temp file, fsync, atomic rename,
 * fsync of the directory) so that a crash leaves either the old or the new version.
 *
 * @param id        the disk's id (also its store's id on the backend)
 * @param capacity  bytes
 * @param blockSize bytes
 * @param backend   backend type id, such as {@code local}
 * @param owner     owner host
 * @param parent    parent disk of a differencing disk
 * @param filters   attached filters, in the order they were attached
 * @param store     the id of its store on the backend: the disk's id, except after a snapshot
 *                  (the snapshot takes the disk's store over and the disk gets a new one)
 * @param contentVersion bumped whenever the disk's blocks change other than by a write through it
 *                  (a commit merging a child into it, a snapshot or commit emptying it)
 */
record DiskMetadata(String id, long capacity, int blockSize, String backend, String owner, Optional<String> parent,
                    List<Attachment> filters, String store, long contentVersion) {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DiskMetadata.class);
    static final int FORMAT_VERSION = 1;
    static final String SUFFIX = ".disk";
    static final String TEMP_SUFFIX = ".tmp";

    /**
     * One attached filter as recorded: its descriptor when attached, its configuration (without
     * the framework's {@code onMissing}), what I/O does while it is absent, and which of its
     * configuration keys are secrets (recorded so they stay hidden while the factory is absent).
     */
    record Attachment(FilterDescriptor descriptor, Map<String, String> config, MissingFilterPolicy onMissing,
                      Set<String> secretKeys) {
        Attachment {
            config = Map.copyOf(config);
            secretKeys = Set.copyOf(secretKeys);
        }

        String name() {
            return descriptor.name();
        }
    }

    DiskMetadata {
        filters = List.copyOf(filters);
        java.util.Objects.requireNonNull(parent, "parent");
        StoreSpec.requireValidName("store id", store);
    }

    /** A disk whose store has the disk's id, at content version 0. */
    DiskMetadata(String id, long capacity, int blockSize, String backend, String owner, Optional<String> parent,
                 List<Attachment> filters) {
        this(id, capacity, blockSize, backend, owner, parent, filters, id, 0);
    }

    DiskMetadata withFilters(List<Attachment> newFilters) {
        return new DiskMetadata(id, capacity, blockSize, backend, owner, parent, newFilters, store, contentVersion);
    }

    /** This disk over another store and parent (a snapshot moved its old store to its new parent). */
    DiskMetadata withStore(String newStore, Optional<String> newParent) {
        return new DiskMetadata(id, capacity, blockSize, backend, owner, newParent, filters, newStore, contentVersion + 1);
    }

    /** This disk with its content version bumped (its blocks changed other than by a write through it). */
    DiskMetadata bumped() {
        return new DiskMetadata(id, capacity, blockSize, backend, owner, parent, filters, store, contentVersion + 1);
    }

    DiskMetadata withOwner(String newOwner) {
        return new DiskMetadata(id, capacity, blockSize, backend, newOwner, parent, filters, store, contentVersion);
    }

    Optional<Attachment> filter(String name) {
        return filters.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /**
     * Reads every {@code *.disk} file of {@code dir}, in name order; removes the temp files of
     * writes cut short (the previous version is intact). A file that cannot be read is reported in
     * {@code errors} (one line) and skipped: the others load.
     */
    static List<DiskMetadata> loadAll(Path dir, List<String> errors) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(files::add);
        } catch (IOException e) {
            String message = "disk metadata directory " + dir + " cannot be read: " + e.getMessage();
            errors.add(message);
            LOG.error(message, e);
            return List.of();
        }
        files.sort(Comparator.naturalOrder());
        List<DiskMetadata> loaded = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.endsWith(SUFFIX + TEMP_SUFFIX)) {
                try {
                    Files.deleteIfExists(file);
                    LOG.info("Removed {}, left by an interrupted metadata write; the previous version is kept", file);
                } catch (IOException e) {
                    LOG.warn("Cannot remove the leftover temp file {}: {}", file, e.getMessage(), e);
                }
            } else if (name.endsWith(SUFFIX) && Files.isRegularFile(file)) {
                try {
                    loaded.add(read(file));
                } catch (DiskException e) {
                    errors.add(e.getMessage());
                    LOG.error("{}; the disk is not loaded, the others are", e.getMessage(), e);
                }
            }
        }
        return loaded;
    }

    /** Deletes a directory tree (a disk's filter state), logging what cannot be deleted. */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot remove filter state under {}: {}", root, e.getMessage(), e);
        }
    }

    static Path file(Path dir, String id) {
        return dir.resolve(id + SUFFIX);
    }

    /** The file's content. */
    byte[] bytes() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("format.version", Integer.toString(FORMAT_VERSION));
        entries.put("id", id);
        entries.put("capacity", Long.toString(capacity));
        entries.put("blockSize", Integer.toString(blockSize));
        entries.put("backend", backend);
        entries.put("owner", owner);
        parent.ifPresent(p -> entries.put("parent", p));
        entries.put("store", store);
        entries.put("contentVersion", Long.toString(contentVersion));
        entries.put("filters", String.join(",", filters.stream().map(Attachment::name).toList()));
        for (Attachment a : filters) {
            String prefix = "filter." + a.name() + ".";
            entries.put(prefix + "class", a.descriptor().filterClass().name());
            entries.put(prefix + "rank", Integer.toString(a.descriptor().rank()));
            entries.put(prefix + "description", a.descriptor().description());
            entries.put(prefix + "onMissing", a.onMissing().toString());
            if (!a.secretKeys().isEmpty()) {
                entries.put(prefix + "secretKeys", String.join(",", new TreeSet<>(a.secretKeys())));
            }
            new TreeMap<>(a.config()).forEach((k, v) -> entries.put(prefix + "config." + k, v));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new OrderedProperties(entries).store(bytes,
                " vstack virtual disk " + id + ". Written by io.vstack.disks; edit only while vstack is stopped.");
        return bytes.toByteArray();
    }

    /** Writes the metadata crash-safely into {@code dir}, readable by its owner only (it may hold filters' secrets). */
    void write(Path dir) throws IOException {
        StoreFiles.writeAtomically(file(dir, id), bytes(), true);
    }

    /** Deletes the metadata file of disk {@code id}, durably. */
    static void delete(Path dir, String id) throws IOException {
        StoreFiles.deleteDurably(file(dir, id));
    }

    /**
     * Reads and validates a metadata file.
     *
     * @throws DiskException naming the file and what is wrong with it
     */
    static DiskMetadata read(Path file) throws DiskException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.ISO_8859_1));
        } catch (IOException | IllegalArgumentException e) {
            throw new DiskException("disk metadata " + file + " cannot be read: " + e.getMessage(), e);
        }
        try {
            String version = required(p, "format.version");
            if (!version.equals(Integer.toString(FORMAT_VERSION))) {
                throw new IllegalArgumentException("format.version " + version + " is not supported (this vstack reads "
                        + FORMAT_VERSION + ")");
            }
            String id = required(p, "id");
            String expectedName = id + SUFFIX;
            if (!file.getFileName().toString().equals(expectedName)) {
                throw new IllegalArgumentException("id " + id + " does not match the file name (expected " + expectedName + ")");
            }
            long capacity = number(p, "capacity");
            long blockSize = number(p, "blockSize");
            String backend = required(p, "backend");
            String owner = required(p, "owner");
            Optional<String> parent = Optional.ofNullable(p.getProperty("parent")).filter(s -> !s.isBlank());
            // DiskSpec validates the id, capacity and block size as create does.
            new DiskSpec(id, capacity, (int) Math.min(Integer.MAX_VALUE, blockSize), BackendType.parse(backend), owner, parent);
            List<Attachment> filters = new ArrayList<>();
            String names = p.getProperty("filters", "").trim();
            for (String name : names.isEmpty() ? List.<String>of() : Arrays.asList(names.split(","))) {
                String prefix = "filter." + name.trim() + ".";
                FilterClass filterClass = FilterClass.valueOf(required(p, prefix + "class"));
                int rank = (int) number(p, prefix + "rank");
                FilterDescriptor descriptor = new FilterDescriptor(name.trim(), filterClass, rank,
                        p.getProperty(prefix + "description", ""));
                Map<String, String> config = new TreeMap<>();
                for (String key : p.stringPropertyNames()) {
                    if (key.startsWith(prefix + "config.")) {
                        config.put(key.substring((prefix + "config.").length()), p.getProperty(key));
                    }
                }
                String onMissing = p.getProperty(prefix + "onMissing");
                String secrets = p.getProperty(prefix + "secretKeys", "").trim();
                filters.add(new Attachment(descriptor, config, onMissing == null
                        ? MissingFilterPolicy.defaultFor(filterClass) : MissingFilterPolicy.parse(onMissing),
                        secrets.isEmpty() ? Set.of() : Set.of(secrets.split(","))));
            }
            String store = p.getProperty("store", id).trim();
            long contentVersion = p.getProperty("contentVersion") == null ? 0 : number(p, "contentVersion");
            return new DiskMetadata(id, capacity, (int) blockSize, backend, owner, parent, filters, store, contentVersion);
        } catch (IllegalArgumentException e) {
            throw new DiskException("disk metadata " + file + " is invalid: " + e.getMessage(), e);
        }
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("key " + key + " is missing");
        }
        return value.trim();
    }

    private static long number(Properties p, String key) {
        String value = required(p, key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("key " + key + " is not a number: '" + value + "'");
        }
    }

    /** Properties that store their entries in a fixed order, so the file reads top-down. */
    private static final class OrderedProperties extends Properties {
        private static final long serialVersionUID = 1L;
        private final transient Map<Object, Object> ordered;

        OrderedProperties(Map<String, String> entries) {
            this.ordered = new LinkedHashMap<>(entries);
            putAll(entries);
        }

        @Override
        public Set<Map.Entry<Object, Object>> entrySet() {
            return ordered.entrySet();
        }

        @Override
        public synchronized boolean equals(Object o) {
            return super.equals(o);
        }

        @Override
        public synchronized int hashCode() {
            return super.hashCode();
        }
    }
}
