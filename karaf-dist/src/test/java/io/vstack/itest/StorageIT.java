package io.vstack.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.vstack.api.storage.BackendStatus.Health;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.storage.StoreSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The four storage backends in the full distribution: their services, storage:list, a SAN path
 * failure through the shell, and the cloud backend's embedded S3 client talking to a real S3 server
 * from inside OSGi.
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
                editConfigurationFilePut(CLOUD_CFG, "bucket", "vstack-it"));
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
}
