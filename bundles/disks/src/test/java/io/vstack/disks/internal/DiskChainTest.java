package io.vstack.disks.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.disk.DiskChain;
import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskInfo;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.io.DiskUnavailableException;
import io.vstack.api.io.InvalidIoException;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.StorageBackend;
import io.vstack.disks.internal.TestSupport.CrashableBackend;
import io.vstack.disks.internal.TestSupport.Factory;
import io.vstack.disks.internal.TestSupport.MemoryBackend;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/** Differencing disks: read-through, copy on write, snapshot, linked clones across backends, commit, crashes, broken chains. */
class DiskChainTest extends DiskServiceFixture {

    private static final int BLOCK = 4096;
    private static final long SIZE = 1 << 20; // 256 blocks

    private final MemoryBackend local = new MemoryBackend(1);
    private final CrashableBackend nfs = new CrashableBackend();

    @Override
    Map<String, StorageBackend> backends() {
        return Map.of("local", local, "nfs", nfs);
    }

    private VirtualDisk base(String name) throws DiskException {
        return service.create(DiskSpec.of(name, SIZE, BackendType.LOCAL, "esx1"));
    }

    private VirtualDisk child(String name, String parent, BackendType backend, String host) throws DiskException {
        return service.create(new DiskSpec(name, SIZE, BLOCK, backend, host, Optional.of(parent)));
    }

    private static ByteBuffer pattern(long seed) {
        ByteBuffer b = ByteBuffer.allocateDirect(BLOCK);
        for (int i = 0; i < BLOCK; i += 8) {
            b.putLong(i, seed * 0x9E3779B97F4A7C15L + i);
        }
        return b;
    }

    private static void write(VirtualDisk disk, long block, long seed) throws IoException {
        try (DiskHandle h = disk.open("test")) {
            h.write(block * BLOCK, pattern(seed));
            h.flush();
        }
    }

    private static ByteBuffer read(VirtualDisk disk, long block) throws IoException {
        try (DiskHandle h = disk.open("test")) {
            ByteBuffer b = ByteBuffer.allocateDirect(BLOCK);
            h.read(block * BLOCK, b);
            return b.flip();
        }
    }

    @Test
    void aCloneReadsThroughWritesToItselfAndUnwrittenBlocksAreZeros() throws Exception {
        VirtualDisk base = base("base");
        write(base, 1, 11);
        write(base, 2, 12);
        VirtualDisk clone = child("clone", "base", BackendType.LOCAL, "esx1");
        assertEquals(Optional.of("base"), clone.info().parent());
        assertEquals(List.of("clone", "base"), service.chain("clone"));

        assertEquals(pattern(11), read(clone, 1));
        write(clone, 2, 22);
        assertEquals(pattern(22), read(clone, 2));
        assertEquals(pattern(12), read(base, 2), "the base is untouched");
        assertEquals(ByteBuffer.allocateDirect(BLOCK), read(clone, 7), "never written: zeros");

        // One multi-block read spanning blocks of both members: runs go to the right store.
        try (DiskHandle h = clone.open("t")) {
            ByteBuffer four = ByteBuffer.allocateDirect(4 * BLOCK);
            h.read(0, four);
            assertEquals(four.limit(), four.position(), "the position ends at the limit");
            assertEquals(ByteBuffer.allocateDirect(BLOCK), four.slice(0, BLOCK));
            assertEquals(pattern(11), four.slice(BLOCK, BLOCK));
            assertEquals(pattern(22), four.slice(2 * BLOCK, BLOCK));
            assertEquals(ByteBuffer.allocateDirect(BLOCK), four.slice(3 * BLOCK, BLOCK));
            h.trim(BLOCK, BLOCK);
            h.write(0, ByteBuffer.allocateDirect(0)); // an empty write changes nothing
        }
        assertEquals(ByteBuffer.allocateDirect(BLOCK), read(clone, 1), "a trimmed block reads zeros, not the base's bytes");
        assertEquals(pattern(11), read(base, 1));
    }

    /** Passes each block write on as a write of bytes 512..1535 only: a request that covers part of a block. */
    private static final class PartialWriter implements IoFilter {
        @Override
        public void submit(IoRequest request, IoChain next) throws IoException {
            if (request.op() != IoOp.WRITE) {
                next.proceed(request);
                return;
            }
            ByteBuffer part = request.buffer().slice(request.buffer().position() + 512, 1024);
            next.proceed(IoRequest.of(IoOp.WRITE, request.diskId(), request.offset() + 512, 1024, part, request.origin()));
        }
    }

    @Test
    void aWriteOfPartOfABlockCopiesTheRestFromTheParentFirst() throws Exception {
        VirtualDisk base = base("base");
        write(base, 3, 33);
        VirtualDisk clone = child("clone", "base", BackendType.LOCAL, "esx1");
        service.factoryAdded(new Factory("partial", FilterClass.INSPECTION, 0, c -> new PartialWriter()));
        service.attach("clone", "partial", Map.of());
        write(clone, 3, 44);

        ByteBuffer expected = pattern(33);
        expected.put(512, pattern(44), 512, 1024);
        assertEquals(expected, read(clone, 3));
        assertEquals(pattern(33), read(base, 3));
        service.detach("clone", "partial");
        assertEquals(expected, read(clone, 3), "the copied block is the clone's own now");
    }

    @Test
    void aParentIsReadOnlyWhileItHasChildrenEvenThroughAnOpenHandle() throws Exception {
        VirtualDisk base = base("base");
        DiskHandle h = base.open("vm1");
        h.write(0, pattern(1));
        child("clone", "base", BackendType.LOCAL, "esx1");
        InvalidIoException e = assertThrows(InvalidIoException.class, () -> h.write(0, pattern(2)));
        assertOneLine("disk base is read-only: it is the parent of clone", e);
        assertThrows(InvalidIoException.class, () -> h.trim(0, BLOCK));
        ByteBuffer back = ByteBuffer.allocateDirect(BLOCK);
        h.read(0, back);
        assertEquals(pattern(1), back.flip(), "the write before the clone was flushed and kept; reads go on");

        service.delete("clone", false);
        h.write(0, pattern(3));
        back.clear();
        h.read(0, back);
        assertEquals(pattern(3), back.flip(), "without children it is writable again");
        h.close();
    }

    @Test
    void aCloneMaySpanBackendsAndHostsAndSurvivesARestart() throws Exception {
        VirtualDisk base = base("golden");
        for (int b = 0; b < 8; b++) {
            write(base, b, 100 + b);
        }
        VirtualDisk a = child("vm-a", "golden", BackendType.NFS, "esx2");
        VirtualDisk b = child("vm-b", "golden", BackendType.LOCAL, "esx1");
        write(a, 1, 201);
        write(b, 1, 301);
        assertEquals("nfs", a.info().backend());
        assertTrue(nfs.stores.containsKey("vm-a"), "the clone's own blocks live on the other backend");
        assertEquals(pattern(201), read(a, 1));
        assertEquals(pattern(301), read(b, 1));
        assertEquals(pattern(105), read(a, 5));
        assertEquals(pattern(105), read(b, 5));

        service.close();
        service = newService();
        VirtualDisk a2 = service.disk("vm-a").orElseThrow();
        assertEquals(pattern(201), read(a2, 1));
        assertEquals(pattern(105), read(a2, 5));
        assertEquals(pattern(101), read(service.disk("golden").orElseThrow(), 1));
        DiskException refused = assertThrows(DiskException.class, () -> service.delete("golden", false));
        assertOneLine("is the parent of vm-a, vm-b", refused);
    }

    @Test
    void aSnapshotWithAnOpenHandleUnderConcurrentWritesLosesNoWrite() throws Exception {
        VirtualDisk disk = base("d1");
        int workers = 4;
        int blocksPerWorker = 32;
        AtomicLongArray last = new AtomicLongArray(workers * blocksPerWorker);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ops = new AtomicLong();
        Collection<String> failures = new ConcurrentLinkedQueue<>();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            futures.add(pool.submit(() -> {
                try (DiskHandle h = disk.open("worker" + worker)) {
                    ByteBuffer in = ByteBuffer.allocateDirect(BLOCK);
                    for (long round = 1; !stop.get(); round++) {
                        int block = worker * blocksPerWorker + (int) (round % blocksPerWorker);
                        long seed = round * workers + worker;
                        h.write((long) block * BLOCK, pattern(seed));
                        last.set(block, seed);
                        in.clear();
                        h.read((long) block * BLOCK, in);
                        if (!in.flip().equals(pattern(seed))) {
                            failures.add("worker " + worker + ": block " + block + " read back wrong");
                        }
                        ops.incrementAndGet();
                    }
                } catch (Exception e) {
                    failures.add("worker " + worker + ": " + e);
                }
                return null;
            }));
        }
        try {
            awaitMore(ops, 500);
            service.snapshot("d1", "s1");
            awaitMore(ops, 500);
            service.snapshot("d1", "s2");
            awaitMore(ops, 500);
        } finally {
            stop.set(true);
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        assertEquals(List.of(), new ArrayList<>(failures));
        assertEquals(List.of("d1", "s2", "s1"), service.chain("d1"));
        for (int block = 0; block < last.length(); block++) {
            if (last.get(block) != 0) {
                assertEquals(pattern(last.get(block)), read(disk, block), "block " + block);
            }
        }
        InvalidIoException readOnly = assertThrows(InvalidIoException.class, () -> write(service.disk("s1").orElseThrow(), 0, 1));
        assertOneLine("disk s1 is read-only: it is the parent of s2", readOnly);

        service.close();
        service = newService();
        VirtualDisk reopened = service.disk("d1").orElseThrow();
        for (int block = 0; block < last.length(); block++) {
            if (last.get(block) != 0) {
                assertEquals(pattern(last.get(block)), read(reopened, block), "block " + block + " after a restart");
            }
        }
    }

    private static void awaitMore(AtomicLong ops, long more) throws InterruptedException {
        long target = ops.get() + more;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        CountDownLatch never = new CountDownLatch(1);
        while (ops.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no progress: " + ops.get() + " of " + target);
            }
            never.await(2, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void aSnapshotFreezesTheContentAndTheDiskKeepsItsIdFiltersAndHandles() throws Exception {
        VirtualDisk disk = base("d1");
        service.factoryAdded(new Factory("stats", FilterClass.INSPECTION, 0, c -> new TestSupport.Recording("stats", null)));
        service.attach("d1", "stats", Map.of());
        DiskHandle h = disk.open("vm");
        h.write(0, pattern(1));
        service.snapshot("d1", "snap");
        h.write(0, pattern(2));
        ByteBuffer back = ByteBuffer.allocateDirect(BLOCK);
        h.read(0, back);
        assertEquals(pattern(2), back.flip());
        assertEquals(pattern(1), read(service.disk("snap").orElseThrow(), 0), "the snapshot keeps the old content");
        DiskInfo info = disk.info();
        assertEquals(Optional.of("snap"), info.parent());
        assertEquals(List.of("stats"), info.filters().stream().map(f -> f.descriptor().name()).toList());
        assertTrue(service.disk("snap").orElseThrow().info().filters().isEmpty());
        h.close();

        byte[] before = Files.readAllBytes(dir.resolve("d1.disk"));
        assertOneLine("a disk named snap exists already", assertThrows(DiskException.class, () -> service.snapshot("d1", "snap")));
        assertOneLine("disk snap is the parent of d1", assertThrows(DiskException.class, () -> service.snapshot("snap", "x")));
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("d1.disk")));
    }

    @Test
    void collapseMergesAMiddleLinkIntoItsParentAndEveryDescendantReadsTheSame() throws Exception {
        VirtualDisk base = base("base");
        write(base, 0, 1);
        write(base, 1, 1);
        child("a", "base", BackendType.LOCAL, "esx1");
        write(service.disk("a").orElseThrow(), 1, 2);
        write(service.disk("a").orElseThrow(), 2, 2);
        child("b", "a", BackendType.LOCAL, "esx1");
        write(service.disk("b").orElseThrow(), 2, 3);
        VirtualDisk c = child("c", "b", BackendType.LOCAL, "esx1");
        VirtualDisk test = child("test", "b", BackendType.LOCAL, "esx1");
        write(c, 3, 4);

        assertOneLine("disk b has the children c, test", assertThrows(DiskException.class, () -> service.collapse("b")));
        assertOneLine("disk base has no parent", assertThrows(DiskException.class, () -> service.collapse("base")));
        assertEquals(2, service.collapse("a"));
        assertTrue(service.disk("a").isEmpty(), "the merged link is deleted");
        assertEquals(List.of("c", "b", "base"), service.chain("c"));
        for (VirtualDisk d : List.of(c, test)) {
            assertEquals(pattern(1), read(d, 0));
            assertEquals(pattern(2), read(d, 1), "a's block, now in base");
            assertEquals(pattern(3), read(d, 2));
        }
        assertEquals(pattern(4), read(c, 3));
        assertEquals(pattern(2), read(base, 1));
        DiskService restarted = newService();
        assertEquals(List.of("c", "b", "base"), restarted.chain("c"), "the re-link is persisted");
        assertEquals(pattern(2), read(restarted.disk("test").orElseThrow(), 1));
    }

    @Test
    void commitMergesIntoTheParentBumpsItsVersionAndTheDiskReadsThrough() throws Exception {
        VirtualDisk base = base("base");
        write(base, 0, 1);
        write(base, 1, 2);
        VirtualDisk mid = child("mid", "base", BackendType.NFS, "esx1");
        write(mid, 1, 3);
        VirtualDisk top = child("top", "mid", BackendType.LOCAL, "esx1");
        AtomicReference<FilterContext> context = new AtomicReference<>();
        service.factoryAdded(new Factory("probe", FilterClass.CACHE, 0, c -> {
            context.set(c);
            return new TestSupport.Recording("probe", null);
        }));
        service.attach("top", "probe", Map.of());
        DiskChain chain = context.get().chain();
        assertEquals(List.of("top", "mid", "base"), chain.members());
        assertEquals(2, chain.holderOf(0));
        assertEquals(1, chain.holderOf(1));
        write(top, 0, 4);
        write(top, 2, 5);
        assertEquals(0, chain.holderOf(0), "live: a write makes the top the holder");
        long midVersion = chain.contentVersion(1);

        DiskHandle open = top.open("vm");
        assertEquals(2, service.commit("top"));
        assertNotEquals(midVersion, chain.contentVersion(1), "the parent's content changed: its version moved");
        assertEquals(1, chain.holderOf(0));
        assertEquals(1, chain.holderOf(2));
        ByteBuffer back = ByteBuffer.allocateDirect(BLOCK);
        open.read(0, back);
        assertEquals(pattern(4), back.flip(), "the open handle reads the merged block through the parent");
        open.close();
        assertEquals(pattern(3), read(top, 1));
        assertEquals(pattern(5), read(mid, 2));
        assertEquals(pattern(2), read(base, 1), "the base below is untouched");
        assertEquals(0, service.commit("top"), "a second commit finds nothing: commit is idempotent");

        // Commit mid into base: refused while mid has a child, then fine.
        assertOneLine("disk mid is the parent of top", assertThrows(DiskException.class, () -> service.commit("mid")));
        service.delete("top", false);
        assertEquals(3, service.commit("mid"));
        assertEquals(pattern(4), read(base, 0));
        assertEquals(pattern(3), read(base, 1));
        assertEquals(pattern(5), read(base, 2));
        assertOneLine("disk base has no parent", assertThrows(DiskException.class, () -> service.commit("base")));
    }

    @Test
    void commitIsRefusedWhenTheParentHasOtherChildren() throws Exception {
        VirtualDisk base = base("base");
        write(base, 0, 1);
        VirtualDisk a = child("a", "base", BackendType.LOCAL, "esx1");
        child("b", "base", BackendType.LOCAL, "esx1");
        write(a, 0, 2);
        byte[] metadata = Files.readAllBytes(dir.resolve("base.disk"));
        DiskException e = assertThrows(DiskException.class, () -> service.commit("a"));
        assertOneLine("disk base is also the parent of b: committing a into it would change what they read", e);
        assertArrayEquals(metadata, Files.readAllBytes(dir.resolve("base.disk")));
        assertEquals(pattern(1), read(base, 0));
        assertEquals(pattern(2), read(a, 0));
    }

    @Test
    void flushedWritesSurviveAKillAndUnflushedOnesReadTheParentNeverGarbage() throws Exception {
        VirtualDisk base = service.create(DiskSpec.of("base", SIZE, BackendType.NFS, "esx1"));
        write(base, 0, 1);
        write(base, 1, 2);
        VirtualDisk clone = child("clone", "base", BackendType.NFS, "esx1");
        DiskHandle h = clone.open("vm");
        h.write(0, pattern(10));
        h.flush();
        h.write(BLOCK, pattern(11)); // never flushed
        // kill -9: no close, no flush; the stores lose what was not flushed.
        nfs.crash();
        service = newService();
        VirtualDisk reopened = service.disk("clone").orElseThrow();
        assertEquals(pattern(10), read(reopened, 0), "an acknowledged, flushed write is there");
        assertEquals(pattern(2), read(reopened, 1), "an unflushed write is gone whole: the parent's bytes, not zeros or garbage");
        write(reopened, 1, 12);
        assertEquals(pattern(12), read(reopened, 1));
    }

    @Test
    void aSnapshotCutShortAfterItsJournalIsFinishedAtStart() throws Exception {
        VirtualDisk disk = base("d1");
        write(disk, 0, 1);
        DiskMetadata before = ((DiskRuntime) disk).metadata();
        DiskMetadata snapshot = new DiskMetadata("s", SIZE, BLOCK, "local", "esx1", Optional.empty(), List.of(), "d1", 0);
        local.create(new io.vstack.api.storage.StoreSpec("d1.1", SIZE, BLOCK, "esx1")).close();
        DiskMetadata after = before.withStore("d1.1", Optional.of("s"));
        Map<Path, byte[]> files = new java.util.LinkedHashMap<>();
        files.put(DiskMetadata.file(dir, "s"), snapshot.bytes());
        files.put(DiskMetadata.file(dir, "d1"), after.bytes());
        MetadataJournal.prepare(dir, files); // the commit point, then the crash
        service = newService();
        assertEquals(List.of("d1", "s"), service.chain("d1"));
        assertEquals(pattern(1), read(service.disk("d1").orElseThrow(), 0));
        assertEquals(List.of(), service.loadErrors());
    }

    @Test
    void aBrokenChainIsAOneLineErrorAndChangesNothing() throws Exception {
        VirtualDisk base = base("base");
        write(base, 0, 1);
        child("clone", "base", BackendType.LOCAL, "esx1");
        service.close();
        Files.move(dir.resolve("base.disk"), dir.resolve("base.disk.away"));
        service = newService();
        VirtualDisk clone = service.disk("clone").orElseThrow();
        byte[] metadata = Files.readAllBytes(dir.resolve("clone.disk"));
        String expected = "the chain of disk clone is broken: its ancestor clone reads through to disk base, which does not exist";
        assertOneLine(expected, assertThrows(DiskUnavailableException.class, () -> clone.open("vm")));
        assertOneLine(expected, assertThrows(DiskException.class, () -> service.snapshot("clone", "s")));
        assertOneLine(expected, assertThrows(DiskException.class, () -> service.commit("clone")));
        assertOneLine(expected, assertThrows(DiskException.class, () -> service.chain("clone")));
        assertThrows(IllegalArgumentException.class, () -> child("c2", "base", BackendType.LOCAL, "esx1"));
        assertArrayEquals(metadata, Files.readAllBytes(dir.resolve("clone.disk")));
        assertEquals(List.of("clone"), service.disks().stream().map(DiskInfo::id).toList());
        service.delete("clone", false);
    }

    @Test
    void aCloneMustHaveItsParentsGeometry() throws Exception {
        base("base");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> service.create(new DiskSpec("c", 2 * SIZE, BLOCK, BackendType.LOCAL, "esx1", Optional.of("base"))));
        assertOneLine("a differencing disk has its parent's geometry", e);
        assertEquals(1, service.disks().size());
        assertFalse(Files.exists(dir.resolve("c.disk")));
    }

    @Test
    void readsAndWritesThroughAChainAllocateNothing() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported(),
                "the JVM does not count allocated bytes per thread");
        VirtualDisk base = base("base");
        for (int b = 0; b < 64; b += 3) {
            write(base, b, b);
        }
        child("mid", "base", BackendType.NFS, "esx1");
        VirtualDisk top = child("top", "mid", BackendType.LOCAL, "esx1");
        try (DiskHandle h = top.open("t")) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(2 * BLOCK);
            for (int i = 0; i < 50_000; i++) {
                buffer.clear();
                h.read((i % 63) * (long) BLOCK, buffer);
                buffer.clear().limit(BLOCK);
                h.write((i % 32) * 2L * BLOCK, buffer);
            }
            long id = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 10_000; i++) {
                buffer.clear();
                h.read((i % 63) * (long) BLOCK, buffer);
                buffer.clear().limit(BLOCK);
                h.write((i % 32) * 2L * BLOCK, buffer);
            }
            long allocated = threads.getThreadAllocatedBytes(id) - before;
            assertTrue(allocated < 20_000, "20,000 I/Os through a chain of three allocated " + allocated + " bytes");
        }
    }
}
