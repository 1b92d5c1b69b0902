package io.vstack.disks.internal.content;

import io.vstack.api.UserText;
import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskManager;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.io.IoException;
import io.vstack.api.storage.BackendStatus;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreNotFoundException;
import io.vstack.api.storage.StoreSpec;
import io.vstack.support.KarafData;
import io.vstack.support.StoreFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.zip.CRC32C;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic content disks (US20170060610): the storage backend of type {@code content}, whose
 * stores are FAT32 volumes synthesized from the app set on an app disk (a vstack disk on any
 * backend), and the making of a content disk: a read-only base {@code <name>.fat} on this
 * backend with a writable differencing child {@code <name>} on another.
 * <p>A store's definition — its app disk, the CRC-32C of the app set's catalog, the free clusters
 * and the volume id — is a properties file {@code <store>.properties} in this backend's directory
 * (crash-safe). Opening a store opens a handle on its app disk, reads and checks the catalog and
 * synthesizes the volume (the same bytes every time: the layout is a function of the catalog).
 * A store whose app set changed since is refused, naming both.
 * <p>Thread-safe; methods block on the app disk's I/O.
 */
@Component(service = {StorageBackend.class, ContentBackend.class},
        property = StorageBackend.TYPE_PROPERTY + "=" + ContentBackend.TYPE_ID)
public final class ContentBackend implements StorageBackend {

    static final String TYPE_ID = "content";
    /** The backend type of content disks. */
    public static final BackendType CONTENT = new BackendType(TYPE_ID);
    /** The suffix of a content disk's read-only base. */
    public static final String BASE_SUFFIX = ".fat";

    private static final Logger LOG = LoggerFactory.getLogger(ContentBackend.class);
    private static final String SUFFIX = ".properties";

    private final Path directory;
    private final DiskManager disks;

    /** The component: definitions under {@code ${karaf.data}/vstack/content}. */
    @Activate
    public ContentBackend(BundleContext context, @Reference DiskManager disks) {
        this(KarafData.of(context).resolve("vstack").resolve("content"), disks);
    }

    /** A backend keeping its definitions in {@code directory}, reading app disks from {@code disks}. */
    public ContentBackend(Path directory, DiskManager disks) {
        this.directory = directory;
        this.disks = disks;
    }

    @Override
    public BackendType type() {
        return CONTENT;
    }

    /** What {@link #createContentDisk} made. */
    public record Created(String name, String base, String appDisk, boolean copied, int files, int directories,
                          long fileBytes, long volumeBytes, long synthesisNanos) {
    }

    /**
     * Makes a content disk {@code name}: copies the host files {@code files} onto the app disk
     * (or, with none, reuses the app set it holds), synthesizes the volume, creates the base
     * {@code name.fat} on this backend and the writable child {@code name} on {@code childBackend}.
     * Every check runs before anything is written.
     *
     * @param freeBytes space left free on the volume for the guest's writes
     * @throws IllegalArgumentException naming the file, name or disk that is wrong
     * @throws DiskException if a disk exists already, or the app disk or a backend fails
     */
    public Created createContentDisk(String name, String appDisk, List<Path> files, String host, BackendType childBackend,
                                     long freeBytes) throws DiskException {
        StoreSpec.requireValidName("disk name", name);
        String base = name + BASE_SUFFIX;
        StoreSpec.requireValidName("disk name", base);
        for (String taken : new String[] {name, base}) {
            if (disks.disk(taken).isPresent()) {
                throw new DiskException("a disk named " + taken + " exists already; disk:list shows the disks");
            }
        }
        VirtualDisk app = disks.disk(appDisk).orElseThrow(() -> new IllegalArgumentException("no disk named "
                + UserText.quote(appDisk) + " to be the app disk; disk:list shows the disks"));
        int appBlock = app.info().blockSize();
        if (FatVolume.CLUSTER % appBlock != 0) {
            throw new IllegalArgumentException("app disk " + appDisk + " has blocks of " + appBlock
                    + " bytes; an app disk needs a block size that divides " + FatVolume.CLUSTER);
        }
        long freeClusters = (freeBytes + FatVolume.CLUSTER - 1) / FatVolume.CLUSTER;
        AppSet.Catalog catalog;
        boolean copied = !files.isEmpty();
        try (DiskHandle handle = app.open("disk:content-create")) {
            AppSet.Catalog held = AppSet.read(handle, appDisk);
            if (copied) {
                if (held != null) {
                    throw new DiskException("app disk " + appDisk + " holds an app set already (" + held.entries().size()
                            + " entries): give no --files to reuse it, or use an empty disk");
                }
                AppSet.Plan plan = AppSet.plan(files);
                FatVolume.build(plan.entries(), freeClusters, 0); // refuses names FAT cannot hold before a byte is written
                long needs = AppSet.needs(plan);
                if (needs > app.info().capacity()) {
                    throw new DiskException("app disk " + appDisk + " has " + app.info().capacity() + " bytes; the app set needs "
                            + needs + " (its files, padded to 4 KiB, and its catalog)");
                }
                catalog = AppSet.write(plan, handle, appDisk);
            } else {
                if (held == null) {
                    throw new DiskException("app disk " + appDisk + " holds no app set; give --files to copy one onto it");
                }
                catalog = held;
            }
        } catch (IoException e) {
            throw new DiskException("app disk " + appDisk + ": " + e.getMessage(), e);
        }
        int volumeId = volumeId(base);
        long start = System.nanoTime();
        FatVolume volume = FatVolume.build(catalog.entries(), freeClusters, volumeId);
        long synthesis = System.nanoTime() - start;
        Properties definition = new Properties();
        definition.setProperty("appDisk", appDisk);
        definition.setProperty("catalogCrc", Integer.toString(catalog.crc()));
        definition.setProperty("freeClusters", Long.toString(freeClusters));
        definition.setProperty("size", Long.toString(volume.size()));
        try {
            StoreFiles.writeAtomically(definitionFile(base), definition, "vstack content disk " + name + ": its base's app set");
        } catch (IOException e) {
            throw new DiskException("cannot write the definition of content disk " + name + ": " + e.getMessage(), e);
        }
        try {
            disks.create(new DiskSpec(base, volume.size(), FatVolume.CLUSTER, CONTENT, host, Optional.empty()));
        } catch (DiskException | RuntimeException e) {
            deleteDefinitionQuietly(base);
            throw e;
        }
        try {
            disks.create(new DiskSpec(name, volume.size(), FatVolume.CLUSTER, childBackend, host, Optional.of(base)));
        } catch (DiskException | RuntimeException e) {
            try {
                disks.delete(base, true);
            } catch (DiskException cleanup) {
                LOG.warn("content disk {}: its base {} could not be removed after the child failed: {}", name, base,
                        cleanup.getMessage(), cleanup);
            }
            throw e;
        }
        long bytes = catalog.entries().stream().mapToLong(AppFile::size).sum();
        int fileCount = volume.fileCount() + (int) catalog.entries().stream().filter(e -> !e.directory() && e.size() == 0).count();
        LOG.info("Content disk {} over app disk {}: {} files, {} directories, {} bytes in a FAT32 volume of {} bytes "
                + "(synthesized in {} ms); base {}", name, appDisk, fileCount, volume.directoryCount(), bytes, volume.size(),
                synthesis / 1_000_000, base);
        return new Created(name, base, appDisk, copied, fileCount, volume.directoryCount(), bytes, volume.size(), synthesis);
    }

    private static int volumeId(String base) {
        CRC32C crc = new CRC32C();
        crc.update(base.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    private Path definitionFile(String storeId) {
        return directory.resolve(storeId + SUFFIX);
    }

    private Properties definition(String storeId) throws StorageException {
        Path file = definitionFile(storeId);
        if (!Files.exists(file)) {
            throw new StoreNotFoundException("content backend: no store " + storeId + " (make content disks with disk:content-create)");
        }
        try {
            return StoreFiles.readProperties(file);
        } catch (IOException e) {
            throw new StorageException("content backend: the definition " + file + " of store " + storeId + " cannot be read: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public BlockStore create(StoreSpec spec) throws StorageException {
        ContentStore store = (ContentStore) open(spec.id(), spec.host());
        if (store.capacity() != spec.capacity() || spec.blockSize() != FatVolume.CLUSTER) {
            store.close();
            throw new StorageException("content backend: store " + spec.id() + " is a volume of " + store.capacity()
                    + " bytes in 4 KiB clusters, not " + spec.capacity() + " bytes in blocks of " + spec.blockSize());
        }
        return store;
    }

    @Override
    public BlockStore open(String storeId, String host) throws StorageException {
        Properties definition = definition(storeId);
        String appDisk = definition.getProperty("appDisk", "");
        VirtualDisk app = disks.disk(appDisk).orElseThrow(() -> new StorageException("content backend: store " + storeId
                + " reads app disk " + appDisk + ", which does not exist"));
        DiskHandle handle;
        try {
            handle = app.open("content:" + storeId);
        } catch (IoException e) {
            throw new StorageException("content backend: store " + storeId + ": app disk " + appDisk + " cannot be opened: "
                    + e.getMessage(), e);
        }
        try {
            AppSet.Catalog catalog = AppSet.read(handle, appDisk);
            String expected = definition.getProperty("catalogCrc");
            if (catalog == null || !Integer.toString(catalog.crc()).equals(expected)) {
                throw new StorageException("content backend: store " + storeId + ": the app set on app disk " + appDisk
                        + (catalog == null ? " is gone" : " changed since the content disk was made") + "; make the content disk again");
            }
            FatVolume volume = FatVolume.build(catalog.entries(), Long.parseLong(definition.getProperty("freeClusters", "0")),
                    volumeId(storeId));
            return new ContentStore(storeId, appDisk, volume, handle);
        } catch (StorageException e) {
            handle.close();
            throw e;
        } catch (IoException | RuntimeException e) {
            handle.close();
            throw new StorageException("content backend: store " + storeId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String storeId) throws StorageException {
        Path file = definitionFile(storeId);
        if (!Files.exists(file)) {
            throw new StoreNotFoundException("content backend: no store " + storeId);
        }
        try {
            StoreFiles.deleteDurably(file);
        } catch (IOException e) {
            throw new StorageException("content backend: the definition of store " + storeId + " cannot be deleted: "
                    + e.getMessage(), e);
        }
    }

    private void deleteDefinitionQuietly(String storeId) {
        try {
            StoreFiles.deleteDurably(definitionFile(storeId));
        } catch (IOException e) {
            LOG.warn("content backend: the definition of store {} could not be removed: {}", storeId, e.getMessage(), e);
        }
    }

    @Override
    public BackendStatus status() {
        long count;
        long size = 0;
        try (Stream<Path> files = Files.isDirectory(directory) ? Files.list(directory) : Stream.empty()) {
            List<Path> definitions = files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList();
            count = definitions.size();
            for (Path p : definitions) {
                size += Long.parseLong(StoreFiles.readProperties(p).getProperty("size", "0"));
            }
        } catch (IOException | RuntimeException e) {
            return new BackendStatus(TYPE_ID, CONTENT, 0, 0, BackendStatus.Health.DOWN, "definitions unreadable: " + e.getMessage());
        }
        return new BackendStatus(TYPE_ID, CONTENT, size, 0, BackendStatus.Health.HEALTHY,
                count + " content disk(s) synthesized from app disks; their bytes are the app disks'");
    }
}
