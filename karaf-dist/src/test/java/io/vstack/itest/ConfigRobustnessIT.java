package io.vstack.itest;

import static org.junit.Assert.assertEquals;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskManager;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.storage.BackendType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A bad configuration changes nothing: while a disk takes writes, a bad value goes into every
 * vstack PID through Config Admin (as a file dropped into etc/ would), and each time the service
 * configured stays registered (the same service), the I/O goes on without an error, and the log
 * gets one line naming the PID and the key; no stack trace is logged.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigRobustnessIT {

    private static final int BLOCK = 4096;
    private static final int BLOCKS = 256;

    /** A bad value for one key of one configuration, and the service it configures. */
    private record BadValue(String factoryPid, String pid, String key, String value, String service) {

        static BadValue of(String pid, String key, String value, String service) {
            return new BadValue(null, pid, key, value, service);
        }

        /** A factory configuration {@code factoryPid~alias}, as {@code etc/<factoryPid>-<alias>.cfg} makes it. */
        static BadValue ofFactory(String factoryPid, String alias, String key, String value, String service) {
            return new BadValue(factoryPid, alias, key, value, service);
        }

        String logged() {
            return factoryPid == null ? pid : factoryPid + "~" + pid;
        }
    }

    private static final String HOST_ESX1 = "(&(objectClass=io.vstack.api.hw.Host)(vstack.host.name=esx1))";
    private static final String CACHE_ESX1 = "(&(objectClass=io.vstack.api.cache.BlockCache)(vstack.cache.name=esx1))";
    private static final String DISK_MANAGER = "(objectClass=io.vstack.api.disk.DiskManager)";
    private static final String DISK_OWNERS = "(objectClass=io.vstack.api.disk.DiskOwners)";
    private static final String MIGRATION = "(objectClass=io.vstack.api.migration.MigrationService)";

    private static final List<BadValue> BAD_VALUES = List.of(
            BadValue.ofFactory("io.vstack.hw.host", "esx1", "memory", "1P", HOST_ESX1),
            BadValue.ofFactory("io.vstack.hw.host", "esx1", "localStorage", "/proc/self", HOST_ESX1),
            BadValue.ofFactory("io.vstack.cache.block", "esx1", "host", "esx2", CACHE_ESX1),
            BadValue.ofFactory("io.vstack.cache.block", "esx1", "size", "abc", CACHE_ESX1),
            BadValue.of("io.vstack.disks", "filterTimeout", "-1", DISK_MANAGER),
            BadValue.of("io.vstack.disks", "directory", "/dev/null", DISK_MANAGER),
            BadValue.of("io.vstack.disks", "ownerLease", "10ms", DISK_OWNERS),
            BadValue.of("io.vstack.storage.local", "directIo", "maybe", backend("local")),
            BadValue.of("io.vstack.storage.san", "paths", "9", backend("san")),
            BadValue.of("io.vstack.storage.nfs", "capacity", "abc", backend("nfs")),
            BadValue.of("io.vstack.storage.vsan", "directory", "/dev/null", backend("vsan")),
            BadValue.of("io.vstack.storage.cloud", "chunkSize", "3M", backend("cloud")),
            BadValue.of("io.vstack.migration", "ports", "esx1=abc", MIGRATION),
            BadValue.of("io.vstack.migration", "historySize", "0", MIGRATION),
            BadValue.of("io.vstack.trust", "mode", "sometimes", "(objectClass=io.vstack.api.trust.TrustStore)"),
            BadValue.of("io.vstack.network", "defaultProgrammer", "teleport",
                    "(objectClass=io.vstack.network.internal.DatacenterController)"));

    @Inject
    DiskManager disks;

    @Inject
    ConfigurationAdmin configurationAdmin;

    @Inject
    BundleContext context;

    private final AtomicLong ops = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return VstackDistribution.options();
    }

    private static String backend(String type) {
        return "(&(objectClass=io.vstack.api.storage.StorageBackend)(vstack.storage.type=" + type + "))";
    }

    @Test
    public void aBadValueInAnyPidIsOneLogLineAndChangesNothingWhileIoRuns() throws Exception {
        for (BadValue bad : BAD_VALUES) {
            Eventually.await(bad.service() + " registered", () -> serviceId(bad.service()) != null);
        }
        long logOffset = Files.size(karafLog());
        VirtualDisk disk = disks.create(DiskSpec.of("robust", (long) BLOCKS * BLOCK, BackendType.LOCAL, "esx1"));
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "config-robustness-writer"));
        Future<?> io = writer.submit(() -> writeAndVerify(disk, stop));
        try {
            for (BadValue bad : BAD_VALUES) {
                refusedWhileIoRuns(bad);
            }
        } finally {
            stop.set(true);
            writer.shutdown();
        }
        io.get();
        assertEquals("failed I/O", 0, failures.get());
        assertEquals("stack traces in the log", List.of(),
                logSince(logOffset).stream().filter(line -> line.startsWith("\tat ")).toList());
    }

    private void refusedWhileIoRuns(BadValue bad) throws Exception {
        String what = bad.logged() + " " + bad.key() + "=" + bad.value();
        Configuration configuration = bad.factoryPid() == null ? configurationAdmin.getConfiguration(bad.pid(), "?")
                : configurationAdmin.getFactoryConfiguration(bad.factoryPid(), bad.pid(), "?");
        Dictionary<String, Object> original = configuration.getProperties();
        Long serviceId = serviceId(bad.service());
        long logOffset = Files.size(karafLog());
        Dictionary<String, Object> properties = copy(original);
        properties.put(bad.key(), bad.value());
        configuration.update(properties);

        Eventually.await("a log line naming " + bad.logged() + " and " + bad.key(),
                () -> refusal(logOffset, bad).isPresent());
        assertEquals(what + ": the same service", serviceId, serviceId(bad.service()));
        long before = ops.get();
        Eventually.await(what + ": I/O goes on", () -> ops.get() > before + 10);
        assertEquals(what + ": failed I/O", 0, failures.get());

        configuration.update(copy(original));
    }

    private static Optional<String> refusal(long logOffset, BadValue bad) {
        return logSince(logOffset).stream()
                .filter(line -> line.contains(bad.logged()) && line.contains(bad.key()) && line.contains("refused"))
                .findFirst();
    }

    private void writeAndVerify(VirtualDisk disk, AtomicBoolean stop) {
        try (DiskHandle handle = disk.open("config-robustness")) {
            ByteBuffer in = ByteBuffer.allocateDirect(BLOCK);
            for (long i = 0; !stop.get(); i++) {
                long offset = (i % BLOCKS) * BLOCK;
                handle.write(offset, pattern(i));
                handle.read(offset, in.clear());
                if (!in.flip().equals(pattern(i))) {
                    failures.incrementAndGet();
                }
                ops.incrementAndGet();
            }
        } catch (Exception e) {
            failures.incrementAndGet();
            throw new IllegalStateException("I/O failed after " + ops.get() + " writes", e);
        }
    }

    private static ByteBuffer pattern(long seed) {
        ByteBuffer buffer = ByteBuffer.allocate(BLOCK);
        while (buffer.hasRemaining()) {
            buffer.putLong(seed * 0x9E3779B97F4A7C15L + buffer.position());
        }
        return buffer.flip();
    }

    private Long serviceId(String filter) {
        try {
            ServiceReference<?>[] references = context.getAllServiceReferences(null, filter);
            return references == null ? null : (Long) references[0].getProperty(Constants.SERVICE_ID);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(filter, e);
        }
    }

    private static Dictionary<String, Object> copy(Dictionary<String, Object> properties) {
        Dictionary<String, Object> copy = new Hashtable<>();
        if (properties != null) {
            for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                copy.put(key, properties.get(key));
            }
        }
        return copy;
    }

    private static Path karafLog() {
        return Path.of(System.getProperty("karaf.data"), "log", "karaf.log");
    }

    private static List<String> logSince(long offset) {
        try {
            byte[] bytes = Files.readAllBytes(karafLog());
            return new String(bytes, (int) offset, bytes.length - (int) offset, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + karafLog(), e);
        }
    }
}
