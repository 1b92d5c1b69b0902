package io.vstack.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.vstack.api.storage.BackendStatus.Health;
import io.vstack.api.testing.FatImages;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.storage.StoreSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Random;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The storage backends in the full distribution: their services, storage:list, a SAN path
 * failure through the shell, the cloud backend's embedded S3 client talking to a real S3 server
 * from inside OSGi, a shared disk under SCSI persistent reservations, dynamic content disks
 * whose app disk lives on each of the five backends, and an elastic temporary pool driven
 * through the shell.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StorageIT {

    private static final String CLOUD_CFG = "etc/io.vstack.storage.cloud.cfg";

    @Inject
    BundleContext context;

    @Inject
    SessionFactory sessionFactory;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() throws Exception {
        return VstackDistribution.options(
                editConfigurationFilePut(CLOUD_CFG, "endpoint", S3ProxyForIt.endpoint().toString()),
                editConfigurationFilePut(CLOUD_CFG, "accessKey", S3ProxyForIt.ACCESS_KEY),
                editConfigurationFilePut(CLOUD_CFG, "secretKey", S3ProxyForIt.SECRET_KEY),
                editConfigurationFilePut(CLOUD_CFG, "bucket", "vstack-it"),
                // FatImages (fsck.fat and mtools) for the content disk test; trust runs log-only here.
                bundle("file:" + System.getProperty("vstack.testkit.jar")));
    }

    private StorageBackend backend(String type) throws Exception {
        String filter = "(" + StorageBackend.TYPE_PROPERTY + "=" + type + ")";
        Eventually.await(type + " backend registered",
                () -> !services(filter).isEmpty());
        return context.getService(services(filter).iterator().next());
    }

    private Collection<ServiceReference<StorageBackend>> services(String filter) {
        try {
            return context.getServiceReferences(StorageBackend.class, filter);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String execute(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, out)) {
            session.execute(command);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static byte[] pattern(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    public void storageListShowsEveryBackendWithItsHealth() throws Exception {
        for (String type : new String[] {"san", "nfs", "vsan", "cloud"}) {
            backend(type);
        }
        String out = execute("storage:list --no-format");
        assertTrue(out, out.contains("san-array1"));
        assertTrue(out, out.contains("nfs-nfs1"));
        assertTrue(out, out.contains("vsan"));
        assertTrue(out, out.contains("cloud-vstack-it"));
        Eventually.await("vSAN sees both hosts", () -> {
            try {
                return backend("vsan").status().health() == Health.HEALTHY;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    public void aSanPathHeldDownFromTheShellFailsOverWithoutError() throws Exception {
        StorageBackend san = backend("san");
        try (BlockStore lun = san.create(new StoreSpec("it-lun", 4 << 20, 4096, "esx1"))) {
            assertTrue(execute("storage:simulate-path --down path0").contains("path0 DOWN"));
            assertEquals(Health.DEGRADED, san.status().health());
            for (int i = 0; i < 4; i++) {
                lun.write(i * 4096L, ByteBuffer.wrap(pattern(4096, i)));
            }
            for (int i = 0; i < 4; i++) {
                ByteBuffer dst = ByteBuffer.allocate(4096);
                lun.read(i * 4096L, dst);
                assertArrayEquals(pattern(4096, i), dst.array());
            }
        } finally {
            execute("storage:simulate-path --up path0");
        }
        assertEquals(Health.HEALTHY, san.status().health());
        san.delete("it-lun");
    }

    @Test
    public void cloudBackendSpeaksS3ToARealServerFromInsideOsgi() throws Exception {
        StorageBackend cloud = backend("cloud");
        try (BlockStore store = cloud.create(new StoreSpec("it-cloud", 4 << 20, 4096, "esx1"))) {
            store.write((1 << 20) - 4096, ByteBuffer.wrap(pattern(8192, 5)));
            ByteBuffer dst = ByteBuffer.allocate(8192);
            store.read((1 << 20) - 4096, dst);
            assertArrayEquals(pattern(8192, 5), dst.array());
        }
        assertEquals(Health.HEALTHY, cloud.status().health());
        cloud.delete("it-cloud");
    }

    /**
     * WO2014197289 through the shell: one LUN of the shared disk server, opened over the transport
     * by a disk on esx1 and a view of it on esx2; SCSI persistent reservations fence esx2, then
     * esx2 preempts esx1 (failover) and esx1's writes are refused; keys and reservation outlive a
     * restart of the server's bundle.
     */
    @Test
    public void aSharedDiskIsFencedByPersistentReservations() throws Exception {
        backend("shared");
        execute("disk:create --backend shared --host esx1 --size 16M quorum");
        execute("disk:create --backend shared --host esx2 --size 16M quorum--esx2");
        assertWrittenAndVerified(execute("workload:run --rw write --bs 64K --size 4M --verify quorum"));
        String readOnB = execute("workload:run --rw read --bs 64K --size 4M --verify-only quorum--esx2");
        assertTrue("esx2 reads what esx1 wrote: " + readOnB, readOnB.contains(" 64 intact, 0 failed"));

        execute("disk:pr --sa-key 0xA1 quorum esx1 register");
        execute("disk:pr --sa-key 0xB2 quorum esx2 register");
        execute("disk:pr --key 0xA1 --type WE quorum esx1 reserve");
        String shown = execute("disk:pr-show quorum");
        assertTrue(shown, shown.contains("WE reservation held by esx1 with key 0xa1"));
        assertFails("RESERVATION CONFLICT", "workload:run --rw write --bs 64K --size 1M quorum--esx2");
        assertFails("RESERVATION CONFLICT", "disk:pr --key 0xB2 --type WE quorum esx2 reserve");
        assertFails("not a 64-bit key", "disk:pr --key 0xZZ --type WE quorum esx2 reserve");
        assertFails("unknown action", "disk:pr --key 0xB2 quorum esx2 steal");

        execute("disk:pr --key 0xB2 --sa-key 0xA1 --type WE quorum esx2 preempt-abort");
        assertFails("RESERVATION CONFLICT", "workload:run --rw write --bs 64K --size 1M quorum");
        assertWrittenAndVerified(execute("workload:run --rw write --bs 64K --size 1M --verify quorum--esx2"));
        String keys = execute("disk:pr-keys --no-format quorum");
        assertTrue(keys, keys.contains("esx2") && keys.contains("0xb2") && !keys.contains("esx1"));

        for (Bundle bundle : context.getBundles()) {
            if ("io.vstack.storage.shared".equals(bundle.getSymbolicName())) {
                bundle.stop();
                bundle.start();
            }
        }
        backend("shared");
        Eventually.await("the shared LUN served again", () -> {
            try {
                return execute("disk:pr-show quorum").contains("WE reservation held by esx2 with key 0xb2");
            } catch (Exception e) {
                return false;
            }
        });
        execute("disk:delete quorum--esx2");
        execute("disk:delete quorum");
    }

    /**
     * US20170060610 through the shell: an app disk on each backend receives an app set
     * ({@code disk:content-create --files}), the content disk is exported ({@code disk:export})
     * and the image checked by fsck.fat and mtools against the host tree, byte for byte; a
     * missing app file, a name FAT cannot hold and an app disk that holds an app set already are
     * one line each, and write nothing.
     */
    @Test
    public void aContentDiskOverEachBackendExportsAsACleanFat32Volume() throws Exception {
        Path work = Files.createTempDirectory("vstack-content-it");
        Path tree = work.resolve("apps");
        Random random = new Random(21);
        for (String[] file : new String[][] {{"Program Files/Text Editor/Text Editor.exe", "150000"},
                {"Program Files/Text Editor/readme.txt", "900"}, {"Program Files/Text Editor/empty settings.ini", "0"},
                {"a/b/c/d/e/f/g/h/deep file with a long name.dat", "8193"}, {"CONFIG.SYS", "12"}}) {
            Path p = tree.resolve(file[0]);
            Files.createDirectories(p.getParent());
            Files.write(p, pattern(Integer.parseInt(file[1]), random.nextLong()));
        }
        Eventually.await("vSAN sees both hosts", () -> {
            try {
                return backend("vsan").status().health() == Health.HEALTHY;
            } catch (Exception e) {
                return false;
            }
        });
        for (String type : new String[] {"local", "san", "nfs", "vsan", "cloud"}) {
            backend(type);
            execute("disk:create --backend " + type + " --size 8M apps-" + type);
            String created = execute("disk:content-create --app-disk apps-" + type + " --files " + tree + " office-" + type);
            assertTrue(created, created.contains("Created content disk office-" + type) && created.contains("5 files"));
            Path image = work.resolve("office-" + type + ".img");
            String exported = execute("disk:export office-" + type + " " + image);
            assertTrue(exported, exported.contains("Exported disk office-" + type));
            FatImages.assertHolds(image, tree, work.resolve("out-" + type));
        }
        execute("disk:create --size 8M apps-fresh");
        assertFails("does not exist", "disk:content-create --app-disk apps-fresh --files " + work.resolve("nothing-here") + " bad1");
        Path badName = Files.createDirectories(work.resolve("bad")).resolve("what?.txt");
        Files.write(badName, new byte[1]);
        assertFails("FAT cannot hold the name", "disk:content-create --app-disk apps-fresh --files " + badName.getParent() + " bad2");
        assertFails("holds an app set already", "disk:content-create --app-disk apps-local --files " + tree + " bad3");
        String list = execute("disk:list --no-format");
        assertTrue(list, !list.contains("bad1") && !list.contains("bad2") && !list.contains("bad3"));
        // The app set is reused: a second content disk over the same app disk, without --files.
        String again = execute("disk:content-create --app-disk apps-san office-again");
        assertTrue(again, again.contains("reused from app disk apps-san"));
    }

    /**
     * US10241709 through the shell: an elastic temporary pool, a temporary disk on it that takes
     * blocks as a workload writes, its quota refused by name, its blocks returned on delete and
     * taken by the next disk, and the checker finding the metadata clean.
     */
    @Test
    public void anElasticPoolHoldsTemporaryDisksAndItsCheckerFindsItClean() throws Exception {
        backend("pool");
        String file = java.nio.file.Path.of(context.getProperty("karaf.data"), "pool-it", "scratch.pool").toString();
        String created = execute("disk:pool-create --size 64M --block 64K --quota 16M --on-full error scratch " + file);
        assertTrue(created, created.contains("Created pool scratch: 64M in 1024 blocks of 64K"));
        execute("disk:create --backend pool --host esx1 --size 32M tmp-a");
        assertWrittenAndVerified(execute("workload:run --rw write --bs 64K --size 8M --verify tmp-a"));
        String info = execute("disk:pool-info --no-format scratch");
        assertTrue(info, info.matches("(?s).*\\bUsed\\s+128\\s.*tmp-a\\s+esx1\\s+32M\\s+128\\s.*"));
        String refused = execute("workload:run --rw write --bs 64K --size 32M tmp-a");
        assertTrue(refused, refused.contains("errors 256,")
                && refused.contains("write failed at offset 16777216: pool: store tmp-a: quota of 16M reached in pool scratch"));
        execute("disk:delete tmp-a");
        String empty = execute("disk:pool-info --no-format");
        assertTrue("no block used after the delete: " + empty, empty.matches("(?s).*scratch\\s+\\S+\\s+64K\\s+1024\\s+0\\s+1024\\s.*"));
        execute("disk:create --backend pool --host esx1 --size 8M tmp-b");
        assertWrittenAndVerified(execute("workload:run --rw randwrite --bs 4K --size 8M --verify tmp-b"));
        String check = execute("disk:pool-check scratch");
        assertTrue(check, check.contains("clean: no block owned twice, none leaked"));
        assertFails("no pool 'nope'", "disk:pool-check nope");
        execute("disk:delete tmp-b");
    }

    private static void assertWrittenAndVerified(String out) {
        assertTrue(out, out.contains("errors 0,") && out.contains("verify failures 0"));
    }

    private void assertFails(String expected, String command) {
        try {
            String out = execute(command);
            throw new AssertionError(command + " succeeded: " + out);
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            assertTrue(command + ": " + e.getMessage(), String.valueOf(e.getMessage()).contains(expected));
        }
    }
}
