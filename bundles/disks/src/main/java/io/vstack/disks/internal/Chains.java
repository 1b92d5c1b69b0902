package io.vstack.disks.internal;

import io.vstack.api.UserText;
import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.io.DiskUnavailableException;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreExistsException;
import io.vstack.api.storage.StoreSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Differencing disks: opening a disk's chain of stores, and the operations that change chains —
 * a child over a disk (linked clone), a snapshot, a commit into the parent. Every operation checks
 * everything first and changes nothing when it refuses (a one-line {@link DiskException});
 * operations that rewrite several metadata files go through the {@link MetadataJournal}.
 * <p>Structural operations run under the disk service's inventory lock; they hold the I/O of the
 * disks they change ({@link DiskRuntime#withIoHeld}), so open handles keep working across them.
 */
final class Chains {

    private static final Logger LOG = LoggerFactory.getLogger(Chains.class);

    /** The deepest chain: holder indexes are bytes. */
    static final int MAX_DEPTH = Byte.MAX_VALUE;
    private static final String BITMAPS = "bitmaps";

    private final DiskService service;
    private final Path directory;

    Chains(DiskService service, Path directory) {
        this.service = service;
        this.directory = directory;
    }

    Path bitmapFile(String storeId) {
        return directory.resolve(BITMAPS).resolve(storeId + AllocationBitmap.SUFFIX);
    }

    /**
     * The disks of {@code id}'s chain, itself first, its base last.
     *
     * @throws DiskException naming the missing parent or the loop if the chain is broken
     */
    List<DiskRuntime> resolve(String id) throws DiskException {
        List<DiskRuntime> chain = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        DiskRuntime disk = service.runtime(id);
        if (disk == null) {
            throw new DiskException("no disk named " + UserText.quote(id) + "; disk:list shows the disks");
        }
        while (true) {
            if (!seen.add(disk.id)) {
                throw new DiskException("the chain of disk " + id + " loops (" + String.join(" -> ", seen) + " -> " + disk.id
                        + "); fix the parent= lines of those metadata files");
            }
            chain.add(disk);
            Optional<String> parent = disk.metadata().parent();
            if (parent.isEmpty()) {
                break;
            }
            DiskRuntime next = service.runtime(parent.get());
            if (next == null) {
                throw new DiskException("the chain of disk " + id + " is broken: its ancestor " + disk.id + " reads through to disk "
                        + parent.get() + ", which does not exist (no " + parent.get() + DiskMetadata.SUFFIX
                        + " loaded); restore that file, or delete " + id);
            }
            disk = next;
        }
        if (chain.size() > MAX_DEPTH) {
            throw new DiskException("the chain of disk " + id + " has " + chain.size() + " disks, more than " + MAX_DEPTH);
        }
        return chain;
    }

    /** Opens the bottom stage of {@code top}: every member's store and the bitmaps above the base. */
    ChainStore open(DiskRuntime top) throws DiskUnavailableException {
        List<DiskRuntime> chain;
        try {
            chain = resolve(top.id);
        } catch (DiskException e) {
            throw new DiskUnavailableException(e.getMessage(), e);
        }
        long blocks = top.metadata().capacity() / top.metadata().blockSize();
        List<ChainStore.Member> members = new ArrayList<>();
        List<AllocationBitmap> bitmaps = new ArrayList<>();
        try {
            for (int i = 0; i < chain.size(); i++) {
                DiskMetadata m = chain.get(i).metadata();
                if (m.capacity() != top.metadata().capacity() || m.blockSize() != top.metadata().blockSize()) {
                    throw new DiskUnavailableException("disk " + top.id + ": chain member " + m.id() + " has another geometry ("
                            + m.capacity() + " bytes, block size " + m.blockSize() + ")");
                }
                if (i < chain.size() - 1) {
                    bitmaps.add(AllocationBitmap.read(bitmapFile(m.store()), blocks));
                }
                try {
                    members.add(new ChainStore.Member(chain.get(i), m.backend(), service.openStore(m)));
                } catch (StorageException e) {
                    throw new DiskUnavailableException("disk " + top.id + ": cannot open the store of "
                            + (i == 0 ? "the disk" : "its ancestor " + m.id()) + ": " + e.getMessage(), e);
                }
            }
            return new ChainStore(top, members, bitmaps, chain.size() > 1 ? bitmapFile(top.metadata().store()) : null);
        } catch (DiskUnavailableException | RuntimeException e) {
            closeAll(members);
            throw e;
        } catch (IOException e) {
            closeAll(members);
            throw new DiskUnavailableException("disk " + top.id + ": " + e.getMessage(), e);
        }
    }

    private static void closeAll(List<ChainStore.Member> members) {
        for (ChainStore.Member m : members) {
            try {
                m.store().close();
            } catch (StorageException e) {
                LOG.debug("closing a store of a chain that failed to open", e);
            }
        }
    }

    /** The disks whose parent is {@code id}, sorted. */
    List<String> childrenOf(String id) {
        return service.runtimes().stream().filter(d -> d.metadata().parent().filter(id::equals).isPresent())
                .map(d -> d.id).sorted().toList();
    }

    /** Sets whether disk {@code id} is read-only, from whether it has children now. */
    void refreshImmutable(String id) {
        DiskRuntime disk = service.runtime(id);
        if (disk != null) {
            disk.immutableReason(reasonFor(id, childrenOf(id)));
        }
    }

    private static String reasonFor(String id, List<String> children) {
        return children.isEmpty() ? null : "disk " + id + " is read-only: it is the parent of " + String.join(", ", children)
                + ", which read through it; write to a child, or delete or commit the children first";
    }

    // ---- create a child (linked clone) ----------------------------------------------------------

    /** Creates the disk. Runs with the parent's I/O held. */
    interface Creation {
        VirtualDisk create() throws DiskException;
    }

    /**
     * Checks a differencing disk's spec against its parent, then creates it with the parent's I/O
     * held: the parent's writes are flushed and it becomes read-only before the child exists.
     * Caller holds the inventory lock.
     */
    VirtualDisk createChild(DiskSpec spec, Creation creation) throws DiskException {
        String parentId = spec.parent().orElseThrow();
        List<DiskRuntime> chain = resolve(parentId);
        DiskMetadata parent = chain.get(0).metadata();
        if (spec.capacity() != parent.capacity() || spec.blockSize() != parent.blockSize()) {
            throw new IllegalArgumentException("a differencing disk has its parent's geometry: disk " + parentId + " has "
                    + parent.capacity() + " bytes in blocks of " + parent.blockSize() + ", not " + spec.capacity() + " in "
                    + spec.blockSize());
        }
        if (chain.size() + 1 > MAX_DEPTH) {
            throw new DiskException("disk " + parentId + " is at the end of a chain of " + chain.size()
                    + " disks already; a child would pass the limit of " + MAX_DEPTH);
        }
        DiskRuntime parentDisk = chain.get(0);
        return parentDisk.withIoHeld(() -> {
            flushOpen(parentDisk);
            String before = parentDisk.immutableReason();
            List<String> children = new ArrayList<>(childrenOf(parentId));
            children.add(spec.name());
            parentDisk.immutableReason(reasonFor(parentId, children.stream().sorted().toList()));
            try {
                VirtualDisk child = creation.create();
                LOG.info("Disk {} reads through to {} (chain {})", spec.name(), parentId,
                        String.join(" -> ", chain.stream().map(d -> d.id).toList()));
                return child;
            } catch (DiskException | RuntimeException e) {
                parentDisk.immutableReason(before);
                throw e;
            }
        });
    }

    /** Flushes a disk's bottom stage if it is open (its store and bitmap). Caller holds its I/O. */
    private static void flushOpen(DiskRuntime disk) throws DiskException {
        ChainStore store = disk.chain().store;
        if (store != null) {
            store.flushForChange();
        }
    }

    // ---- snapshot --------------------------------------------------------------------------------

    /**
     * Freezes the content of {@code diskId} as a new read-only disk {@code name}: the snapshot
     * takes over the disk's store (and bitmap) and parent, and the disk — same id, handles,
     * filters, owner — goes on over it with a new empty store. Caller holds the inventory lock.
     */
    void snapshot(String diskId, String name) throws DiskException {
        StoreSpec.requireValidName("snapshot name", name);
        List<DiskRuntime> chain = resolve(diskId);
        DiskRuntime disk = chain.get(0);
        if (service.runtime(name) != null || Files.exists(DiskMetadata.file(directory, name)) || storeTaken(name)) {
            throw new DiskException("a disk named " + name + " exists already; choose another snapshot name");
        }
        List<String> children = childrenOf(diskId);
        if (!children.isEmpty()) {
            throw new DiskException("disk " + diskId + " is the parent of " + String.join(", ", children)
                    + ": it is read-only and frozen already; clone it instead");
        }
        if (chain.size() + 1 > MAX_DEPTH) {
            throw new DiskException("the chain of disk " + diskId + " has " + chain.size() + " disks; a snapshot would pass the limit of "
                    + MAX_DEPTH);
        }
        StorageBackend backend = service.backend(disk.metadata().backend());
        if (backend == null) {
            throw new DiskException("backend " + disk.metadata().backend() + " of disk " + diskId
                    + " is not available; nothing was changed");
        }
        disk.withIoHeld(() -> {
            DiskMetadata before = disk.metadata();
            disk.openedStore().flushForChange();
            String newStore = createStore(backend, before);
            DiskMetadata snapshot = new DiskMetadata(name, before.capacity(), before.blockSize(), before.backend(), before.owner(),
                    before.parent(), List.of(), before.store(), 0);
            DiskMetadata after = before.withStore(newStore, Optional.of(name));
            try {
                Files.deleteIfExists(bitmapFile(newStore));
                Map<Path, byte[]> files = new LinkedHashMap<>();
                files.put(DiskMetadata.file(directory, name), snapshot.bytes());
                files.put(DiskMetadata.file(directory, diskId), after.bytes());
                MetadataJournal.commit(directory, files);
            } catch (IOException e) {
                deleteStoreQuietly(backend, newStore);
                throw new DiskException("cannot snapshot disk " + diskId + ", nothing was changed: cannot write the metadata: "
                        + e.getMessage(), e);
            }
            disk.dropStore();
            disk.metadata(after);
            DiskRuntime frozen = service.register(snapshot);
            frozen.immutableReason(reasonFor(name, List.of(diskId)));
            before.parent().ifPresent(this::refreshImmutable);
            LOG.info("Snapshot {} of disk {}: {} now reads through to {} (store {} -> {})", name, diskId, diskId, name,
                    before.store(), newStore);
            return null;
        });
    }

    private boolean storeTaken(String storeId) {
        return service.runtimes().stream().anyMatch(d -> d.id.equals(storeId) || d.metadata().store().equals(storeId));
    }

    /** Creates a new empty store for {@code disk}, named {@code <id>.<n>} with the first free n. */
    private String createStore(StorageBackend backend, DiskMetadata disk) throws DiskException {
        String base = disk.id().length() > 110 ? disk.id().substring(0, 110) : disk.id();
        for (int n = 1; n < 10_000; n++) {
            String candidate = base + "." + n;
            if (storeTaken(candidate) || Files.exists(DiskMetadata.file(directory, candidate))) {
                continue;
            }
            try {
                BlockStore store = backend.create(new StoreSpec(candidate, disk.capacity(), disk.blockSize(), disk.owner()));
                store.close();
                return candidate;
            } catch (StoreExistsException e) {
                LOG.debug("store {} exists on backend {}; trying the next name", candidate, disk.backend());
            } catch (StorageException | RuntimeException e) {
                throw new DiskException("cannot snapshot disk " + disk.id() + ", nothing was changed: its new store cannot be created: "
                        + e.getMessage(), e);
            }
        }
        throw new DiskException("cannot snapshot disk " + disk.id() + ": no free store name " + base + ".<n> on backend "
                + disk.backend());
    }

    private static void deleteStoreQuietly(StorageBackend backend, String storeId) {
        try {
            backend.delete(storeId);
        } catch (StorageException e) {
            LOG.warn("cannot remove the unused store {}: {}", storeId, e.getMessage(), e);
        }
    }

    // ---- commit ----------------------------------------------------------------------------------

    /**
     * Merges the blocks {@code diskId} holds into its parent, then empties the disk: it keeps its
     * id, handles and filters and reads through to the parent, which now holds the data. The
     * disk's and the parent's I/O are held meanwhile. Crash-safe and restartable: the parent's
     * content version is bumped before its blocks change, the disk's blocks stay its own until the
     * parent's copy is flushed (and its bitmap persisted), and running the commit again after a
     * crash copies the same blocks again. Caller holds the inventory lock.
     *
     * @return the number of blocks merged
     */
    long commit(String diskId, DiskAdmin.CommitProgress progress) throws DiskException {
        List<DiskRuntime> chain = resolve(diskId);
        DiskRuntime disk = chain.get(0);
        if (chain.size() < 2) {
            throw new DiskException("disk " + diskId + " has no parent: there is nothing to commit into");
        }
        List<String> children = childrenOf(diskId);
        if (!children.isEmpty()) {
            throw new DiskException("disk " + diskId + " is the parent of " + String.join(", ", children)
                    + " and read-only: commit or delete those first");
        }
        DiskRuntime parent = chain.get(1);
        List<String> siblings = childrenOf(parent.id).stream().filter(c -> !c.equals(diskId)).toList();
        if (!siblings.isEmpty()) {
            throw new DiskException("disk " + parent.id + " is also the parent of " + String.join(", ", siblings)
                    + ": committing " + diskId + " into it would change what they read; nothing was changed");
        }
        return disk.withIoHeld(() -> parent.withIoHeld(() -> merge(disk, parent, progress)));
    }

    // ---- collapse -------------------------------------------------------------------------------

    /**
     * Merges {@code diskId}, a middle link of a chain, into its parent and takes it out of the
     * chain: its blocks are copied into the parent (as {@link #commit} does), its only child then
     * reads through to the parent directly, and the emptied disk is deleted. What every descendant
     * reads is unchanged; the I/O of the parent, the disk and all its descendants is held while it
     * runs. Crash-safe: a crash before the child is re-linked leaves an empty link, and running it
     * again finishes. Caller holds the inventory lock.
     *
     * @return the number of blocks merged
     */
    long collapse(String diskId) throws DiskException {
        List<DiskRuntime> chain = resolve(diskId);
        if (chain.size() < 2) {
            throw new DiskException("disk " + diskId + " has no parent: there is nothing to merge it into");
        }
        DiskRuntime disk = chain.get(0);
        DiskRuntime parent = chain.get(1);
        List<String> children = childrenOf(diskId);
        if (children.size() != 1) {
            throw new DiskException("disk " + diskId + " has " + (children.isEmpty() ? "no child" : "the children "
                    + String.join(", ", children)) + "; only a link with exactly one child can be merged into its parent");
        }
        List<String> siblings = childrenOf(parent.id).stream().filter(c -> !c.equals(diskId)).toList();
        if (!siblings.isEmpty()) {
            throw new DiskException("disk " + parent.id + " is also the parent of " + String.join(", ", siblings)
                    + ": merging " + diskId + " into it would change what they read; nothing was changed");
        }
        List<DiskRuntime> held = new ArrayList<>(List.of(parent, disk));
        for (int i = 1; i < held.size(); i++) {
            for (String child : childrenOf(held.get(i).id)) {
                held.add(service.runtime(child));
            }
        }
        DiskRuntime child = service.runtime(children.get(0));
        long merged = holdingAll(held, 0, () -> {
            long n = merge(disk, parent, (m, scanned, blocks) -> { });
            DiskMetadata relinked = child.metadata().withStore(child.metadata().store(), Optional.of(parent.id));
            try {
                relinked.write(directory);
            } catch (IOException e) {
                throw new DiskException("disk " + diskId + " is merged into " + parent.id + " and empty, but " + child.id
                        + " cannot be re-linked: " + e.getMessage() + "; run the merge again", e);
            }
            child.metadata(relinked);
            held.forEach(DiskRuntime::dropStore);
            return n;
        });
        service.delete(diskId, true);
        refreshImmutable(parent.id);
        LOG.info("Merged disk {} into {} ({} block(s)); {} now reads through to {}", diskId, parent.id, merged, child.id,
                parent.id);
        return merged;
    }

    /** Runs {@code work} with the I/O of every disk of {@code disks} from index {@code from} held. */
    private static <T> T holdingAll(List<DiskRuntime> disks, int from, DiskRuntime.HeldWork<T> work) throws DiskException {
        if (from == disks.size()) {
            return work.run();
        }
        return disks.get(from).withIoHeld(() -> holdingAll(disks, from + 1, work));
    }

    private long merge(DiskRuntime disk, DiskRuntime parent, DiskAdmin.CommitProgress progress) throws DiskException {
        ChainStore store = disk.openedStore();
        store.flushForChange();
        AllocationBitmap bits = store.bitmap();
        long blocks = bits.blocks();
        DiskMetadata parentBefore = parent.metadata();
        DiskMetadata parentAfter = parentBefore.bumped();
        try {
            parentAfter.write(directory);
        } catch (IOException e) {
            throw new DiskException("cannot commit disk " + disk.id + ", nothing was changed: cannot write the metadata of "
                    + parent.id + ": " + e.getMessage(), e);
        }
        parent.metadata(parentAfter);
        String step = "copying its blocks into " + parent.id;
        long merged = 0;
        try {
            AllocationBitmap parentBits = parentBefore.parent().isPresent()
                    ? AllocationBitmap.read(bitmapFile(parentBefore.store()), blocks) : null;
            BlockStore own = store.store(0);
            BlockStore into = store.store(1);
            int blockSize = disk.metadata().blockSize();
            int perCopy = Math.max(1, (1 << 20) / blockSize);
            ByteBuffer buffer = ByteBuffer.allocateDirect(perCopy * blockSize + 4096).alignedSlice(4096);
            for (long b = 0; b < blocks; ) {
                if (!bits.get(b)) {
                    b++;
                    continue;
                }
                long run = 1;
                while (b + run < blocks && run < perCopy && bits.get(b + run)) {
                    run++;
                }
                buffer.clear().limit((int) (run * blockSize));
                own.read(b * blockSize, buffer);
                buffer.flip();
                into.write(b * blockSize, buffer);
                if (parentBits != null) {
                    for (long i = b; i < b + run; i++) {
                        parentBits.set(i);
                    }
                }
                merged += run;
                b += run;
                progress.copied(merged, b, blocks);
            }
            step = "flushing " + parent.id;
            into.flush();
            if (parentBits != null) {
                parentBits.persistIfNewer(bitmapFile(parentBefore.store()), parentBits.snapshot());
            }
            // The commit point: the disk's own blocks are released, it reads through to the parent.
            step = "emptying " + disk.id;
            bits.clear();
            bits.persistIfNewer(bitmapFile(disk.metadata().store()), bits.snapshot());
            DiskMetadata diskAfter = disk.metadata().bumped();
            diskAfter.write(directory);
            disk.metadata(diskAfter);
            step = "releasing the space of " + disk.id;
            own.trim(0, disk.metadata().capacity());
            own.flush();
        } catch (IOException e) {
            throw new DiskException("commit of disk " + disk.id + " into " + parent.id + " failed while " + step + ": "
                    + e.getMessage() + "; nothing acknowledged was lost, run disk:commit " + disk.id + " again", e);
        } finally {
            disk.dropStore();
            parent.dropStore();
        }
        LOG.info("Committed {} block(s) of disk {} into {}; {} now reads through to it", merged, disk.id, parent.id, disk.id);
        return merged;
    }
}
