package ${package};

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskManager;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.filter.FilterFramework;
import io.vstack.api.hw.Host;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricSource;
import io.vstack.api.storage.BackendType;
import java.io.File;
import java.nio.ByteBuffer;
import java.util.Map;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;

/**
 * The filter in the real vstack distribution (run with {@code mvn -Pit verify}): Pax Exam boots
 * io.vstack:io.vstack.karaf-dist (the tar.gz Maven resolved into {@code target/vstack.tar.gz})
 * with this project's jar installed, waits for the filter's service, attaches the filter to a new
 * disk on host esx1, writes and reads through it, and checks the filter counted the write.
 * <p>Trusted-binary loading runs in {@code log-only} mode here, as in vstack's own integration
 * tests: Pax Exam installs its harness and a probe bundle that nobody approved. With the
 * distribution as shipped ({@code enforce}), a bundle runs only if approved or signed by a
 * trusted key: see the README for the signing loop.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PassThroughFilterIT {

    @Inject
    DiskManager disks;

    @Inject
    @Filter("(" + Host.NAME_PROPERTY + "=esx1)")
    FilterFramework esx1;

    @Inject
    @Filter("(" + MetricSource.SOURCE_PROPERTY + "=" + PassThroughFilterFactory.SOURCE + ")")
    MetricSource counts;

    @Configuration
    public Option[] config() {
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(new File(System.getProperty("vstack.dist")).toURI().toString())
                    .name("vstack")
                    .karafVersion(System.getProperty("karaf.version"))
                    .unpackDirectory(new File("target/exam"))
                    .useDeployFolder(false),
            configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
            logLevel(LogLevel.WARN),
            editConfigurationFilePut("etc/io.vstack.trust.cfg", "mode", "log-only"),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                    System.getProperty("org.ops4j.pax.url.mvn.localRepository")),
            bundle(new File(System.getProperty("filter.jar")).toURI().toString()),
        };
    }

    @Test
    public void theFilterAttachesAndSeesTheIoOfItsDisk() throws Exception {
        VirtualDisk disk = disks.create(DiskSpec.of("filter-it", 1 << 20, BackendType.LOCAL, "esx1"));
        esx1.attach(disk.id(), PassThroughFilterFactory.NAME, Map.of(PassThroughConfig.OPS, "write"));
        assertTrue(esx1.attachments(disk.id()).get(0).active());
        try (DiskHandle handle = disk.open("it")) {
            ByteBuffer out = ByteBuffer.allocate(4096).put(0, (byte) 42);
            handle.write(0, out);
            ByteBuffer in = ByteBuffer.allocate(4096);
            handle.read(0, in);
            assertEquals(42, in.get(0));
        }
        assertEquals(1.0, counts.snapshot().stream().filter(m -> m.name().equals("write"))
                .mapToDouble(Metric::value).sum(), 0.0);
    }
}
