package io.vstack.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskInfo;
import io.vstack.api.disk.DiskManager;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.filter.FilterFramework;
import io.vstack.api.storage.BackendType;
import io.vstack.api.transport.Transport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Virtual disks in the real distribution: the disk: commands through a shell session, and a
 * third-party filter bundle dropped into deploy/, attached, detached and re-attached, then
 * removed while four threads keep writing and verifying: no I/O fails or is lost. Differencing
 * disks from the shell: snapshot, a linked clone on another backend and host, commit. Replication
 * to a recovery site (this distribution's own transport endpoint) from the shell.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DisksIT {

    private static final int BLOCK = 4096;
    private static final int WORKERS = 4;
    private static final int BLOCKS_PER_WORKER = 1024;

    @Inject
    DiskManager disks;

    @Inject
    SessionFactory sessionFactory;

    @Inject
    Transport transport;

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return VstackDistribution.options(VstackDistribution.fixtureJar());
    }

    @Test
    public void aDiskCreatedFromTheShellIsListedAndBadInputIsAOneLineErrorThatChangesNothing() throws Exception {
        Frameworks.await(context, "esx1");
        assertTrue(execute("disk:create --size 64M --host esx2 shelldisk").contains("Created disk shelldisk"));
        String line = execute("disk:list --no-format").lines().filter(l -> l.startsWith("shelldisk")).findFirst().orElseThrow();
        assertTrue(line, line.matches("shelldisk\\s+64M\\s+4096\\s+local\\s+esx2\\s+-\\s+0\\s+-\\s*"));
        List<DiskInfo> before = disks.disks();

        assertOneLineError("disk:create --size 12Q other", "is not a size");
        assertOneLineError("disk:create --backend tape other", "backend 'tape' is not available");
        assertOneLineError("disk:create --host esx9 other", "no host named 'esx9'");
        assertOneLineError("disk:create --size 10000 other", "must be a positive multiple of the block size 4096");
        assertOneLineError("disk:create shelldisk", "a disk named shelldisk exists already");
        assertOneLineError("filter:attach shelldisk nosuchfilter", "no filter named 'nosuchfilter'");
        assertEquals(before, disks.disks());

        DiskHandle handle = disks.disk("shelldisk").orElseThrow().open("it");
        assertOneLineError("disk:delete shelldisk", "disk shelldisk has 1 open handle(s)");
        handle.close();
        assertTrue(execute("disk:info shelldisk").contains("esx2"));
        execute("disk:delete shelldisk");
        assertTrue(disks.disk("shelldisk").isEmpty());
    }

    @Test
    public void aFilterDroppedIntoDeployServesIoAndLeavesUnderLoadWithoutLosingAnyIo() throws Exception {
        FilterFramework esx1 = Frameworks.await(context, "esx1");
        VirtualDisk disk = disks.create(DiskSpec.of("hot", (long) WORKERS * BLOCKS_PER_WORKER * BLOCK, BackendType.LOCAL, "esx1"));
        Path deployed = Path.of(System.getProperty("karaf.base"), "deploy", "vstack-test-filter.jar");
        Files.copy(Path.of(System.getProperty("vstack.fixture.jar")), deployed);
        Eventually.await("filter 'fixture' deployed", () -> esx1.available().stream().anyMatch(d -> d.name().equals("fixture")));
        assertTrue(execute("filter:attach hot fixture").contains("Attached filter fixture"));
        try (DiskHandle handle = disk.open("it")) {
            ByteBuffer out = pattern(7, 3);
            handle.write(3L * BLOCK, out);
            ByteBuffer in = ByteBuffer.allocateDirect(BLOCK);
            handle.read(3L * BLOCK, in);
            assertEquals(pattern(7, 3), in.flip());
        }
        assertTrue(execute("filter:list --no-format").lines().anyMatch(l -> l.startsWith("fixture") && l.contains("hot")));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ops = new AtomicLong();
        Collection<String> failures = new ConcurrentLinkedQueue<>();
        long[][] lastWritten = new long[WORKERS][BLOCKS_PER_WORKER];
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            int worker = w;
            workers.add(pool.submit(() -> {
                try (DiskHandle handle = disk.open("worker-" + worker)) {
                    ByteBuffer in = ByteBuffer.allocateDirect(BLOCK);
                    for (long round = 1; !stop.get(); round++) {
                        int block = (int) (round % BLOCKS_PER_WORKER);
                        long offset = ((long) worker * BLOCKS_PER_WORKER + block) * BLOCK;
                        long seed = round * WORKERS + worker;
                        try {
                            handle.write(offset, pattern(seed, block));
                            lastWritten[worker][block] = seed;
                            in.clear();
                            handle.read(offset, in);
                            if (!in.flip().equals(pattern(seed, block))) {
                                failures.add("worker " + worker + ": block " + block + " read back wrong");
                            }
                            ops.addAndGet(2);
                        } catch (Exception e) {
                            failures.add("worker " + worker + ": " + e);
                        }
                    }
                }
                return null;
            }));
        }
        try {
            Eventually.awaitMore(ops, 2_000);
            assertTrue(execute("filter:detach hot fixture").contains("Detached"));
            Eventually.awaitMore(ops, 2_000);
            execute("filter:attach hot fixture");
            Eventually.awaitMore(ops, 2_000);
            // The bundle goes away while I/O runs through its filter.
            Files.delete(deployed);
            Eventually.await("filter 'fixture' unlinked after its bundle went away",
                    () -> !disk.info().filters().isEmpty() && !disk.info().filters().get(0).active());
            Eventually.await("the fixture bundle uninstalled", () -> Arrays.stream(context.getBundles())
                    .noneMatch(b -> "io.vstack.test.filter".equals(b.getSymbolicName()) && b.getState() != Bundle.UNINSTALLED));
            Eventually.awaitMore(ops, 2_000);
        } finally {
            stop.set(true);
            for (Future<?> f : workers) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
        assertEquals("no I/O failed", List.of(), new ArrayList<>(failures));
        // Every acknowledged write reads back.
        try (DiskHandle handle = disk.open("verify")) {
            ByteBuffer in = ByteBuffer.allocateDirect(BLOCK);
            for (int w = 0; w < WORKERS; w++) {
                for (int block = 0; block < BLOCKS_PER_WORKER; block++) {
                    if (lastWritten[w][block] != 0) {
                        in.clear();
                        handle.read(((long) w * BLOCKS_PER_WORKER + block) * BLOCK, in);
                        assertEquals("worker " + w + " block " + block, pattern(lastWritten[w][block], block), in.flip());
                    }
                }
            }
        }
        assertTrue(execute("disk:list --no-format").lines().anyMatch(l -> l.startsWith("hot") && l.contains("fixture(inactive)")));
        disks.delete("hot", false);
    }

    @Test
    public void snapshotCloneAcrossBackendsAndCommitFromTheShellKeepEveryByte() throws Exception {
        Frameworks.await(context, "esx2");
        assertTrue(execute("disk:create --size 16M --host esx1 golden").contains("Created disk golden"));
        VirtualDisk golden = disks.disk("golden").orElseThrow();
        try (DiskHandle h = golden.open("it")) {
            h.write(0, pattern(1, 0));
            h.write(BLOCK, pattern(2, 1));
            h.flush();
        }
        assertTrue(execute("disk:snapshot golden golden-s1").contains("golden now reads through to golden-s1"));
        try (DiskHandle h = golden.open("it")) {
            h.write(BLOCK, pattern(3, 1));
            h.flush();
        }
        String cloned = execute("disk:clone --backend nfs --host esx2 golden-s1 vm1");
        assertTrue(cloned, cloned.contains("chain vm1 -> golden-s1"));
        VirtualDisk vm1 = disks.disk("vm1").orElseThrow();
        try (DiskHandle h = vm1.open("it")) {
            assertEquals(pattern(1, 0), read(h, 0));
            assertEquals("the clone sees the snapshot, not golden's later write", pattern(2, 1), read(h, 1));
            h.write(2L * BLOCK, pattern(4, 2));
            h.flush();
            assertEquals(pattern(4, 2), read(h, 2));
        }
        String listed = execute("disk:list --no-format");
        assertTrue(listed, listed.lines().anyMatch(l -> l.matches("vm1\\s+16M\\s+4096\\s+nfs\\s+esx2\\s+golden-s1\\s+0\\s+-\\s*")));
        assertTrue(execute("disk:info vm1").contains("vm1 -> golden-s1"));
        assertOneLineError("disk:commit vm1", "disk golden-s1 is also the parent of golden");
        assertOneLineError("disk:delete golden-s1", "is the parent of golden, vm1");

        execute("disk:delete golden");
        assertTrue(execute("disk:commit vm1").contains("Committed 1 block(s) of disk vm1 into golden-s1"));
        try (DiskHandle h = disks.disk("golden-s1").orElseThrow().open("it")) {
            assertEquals(pattern(1, 0), read(h, 0));
            assertEquals(pattern(2, 1), read(h, 1));
            assertEquals("the commit merged the clone's block into its parent", pattern(4, 2), read(h, 2));
        }
        try (DiskHandle h = vm1.open("it")) {
            assertEquals(pattern(4, 2), read(h, 2));
        }
        execute("disk:delete vm1");
        execute("disk:delete golden-s1");
    }

    private static ByteBuffer read(DiskHandle handle, long block) throws Exception {
        ByteBuffer in = ByteBuffer.allocateDirect(BLOCK);
        handle.read(block * BLOCK, in);
        return in.flip();
    }

    private static ByteBuffer pattern(long seed, int block) {
        ByteBuffer b = ByteBuffer.allocateDirect(BLOCK);
        for (int i = 0; i < BLOCK; i += 8) {
            b.putLong(i, seed * 0x9E3779B97F4A7C15L + block * 31L + i);
        }
        return b;
    }


    @Test
    public void aDiskReplicatesToARecoverySiteAndATestFailoverReadsAPointWhileDeltasGoOn() throws Exception {
        Frameworks.await(context, "esx1");
        VirtualDisk disk = disks.create(DiskSpec.of("itrep", 256L * BLOCK, BackendType.LOCAL, "esx1"));
        try (DiskHandle handle = disk.open("it")) {
            handle.write(5L * BLOCK, pattern(11, 5));
        }
        String endpoint = transport.localEndpoint().orElseThrow().toString();
        assertTrue(execute("replica:enable --rpo 1s --keep 3 itrep " + endpoint).contains("Replicating disk itrep to " + endpoint));
        Eventually.await("recovery point 2 of itrep", () -> points().contains("2"));
        assertTrue(execute("replica:test-failover itrep 1 itrep-test").contains("Disk itrep-test is a writable child of recovery point 1"));
        try (DiskHandle test = disks.disk("itrep-test").orElseThrow().open("it")) {
            ByteBuffer in = ByteBuffer.allocateDirect(BLOCK);
            test.read(5L * BLOCK, in);
            assertEquals(pattern(11, 5), in.flip());
            test.write(6L * BLOCK, pattern(12, 6));
        }
        Eventually.await("recovery point 4 of itrep, deltas going on", () -> points().contains("4"));
        String status = execute("replica:status --no-format");
        assertTrue(status, status.lines().anyMatch(l -> l.startsWith("itrep") && l.contains("primary") && l.contains("replicating")));
        assertTrue(status, status.lines().anyMatch(l -> l.startsWith("itrep") && l.contains("recovery")));
        assertOneLineError("replica:test-failover itrep 99 x", "disk itrep has no recovery point 99");
        assertOneLineError("replica:points nosuch", "this site holds no recovery points of disk 'nosuch'");
        execute("disk:delete itrep-test");
        execute("replica:disable itrep"); // the primary side first
        execute("replica:disable itrep"); // then the recovery chain
        assertTrue(execute("replica:status --no-format").lines().noneMatch(l -> l.startsWith("itrep")));
        assertTrue(disks.disk("itrep.base").isEmpty());
    }

    /** The recovery point numbers of itrep, as replica:points lists them. */
    private List<String> points() {
        try {
            return execute("replica:points --no-format itrep").lines().map(l -> l.trim().split("\\s+")[0]).toList();
        } catch (Exception e) {
            return List.of();
        }
    }

    private void assertOneLineError(String command, String expected) throws Exception {
        Shell.assertOneLineError(sessionFactory, command, expected);
    }

    private String execute(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, out)) {
            session.execute(command);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
