package io.vstack.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskManager;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.filter.FilterFramework;
import io.vstack.api.io.FilterTimeoutException;
import io.vstack.api.io.FilterUnavailableException;
import io.vstack.api.io.IoException;
import io.vstack.api.storage.BackendType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
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
 * The filter framework's failure paths in the real distribution, with the fixture bundle's
 * {@code aes} (AES-CTR) and {@code holder} (holds every request until cancelled) filters and a
 * {@code filterTimeout} of 2 s: an encrypting filter removed from deploy/ and deployed again under
 * a verifying workload never lets ciphertext out or plaintext in; a held request fails by name
 * near the timeout, and detach and the bundle's stop end within their deadlines.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FailSafeIT {

    private static final int BLOCK = 4096;
    private static final int BLOCKS = 512;
    private static final long TIMEOUT_MILLIS = 2000;
    private static final String KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    /** Starts every plaintext block: found in the store, it would be plaintext that got past the filter. */
    private static final byte[] MARKER = "VSTACK-PLAINTEXT".getBytes(StandardCharsets.US_ASCII);

    @Inject
    DiskManager disks;

    @Inject
    SessionFactory sessions;

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return VstackDistribution.options(VstackDistribution.fixtureJar(),
                editConfigurationFilePut("etc/io.vstack.disks.cfg", "filterTimeout", TIMEOUT_MILLIS + "ms"));
    }

    @Test
    public void anEncryptingFilterTakenAwayAndDeployedAgainUnderAVerifyingWorkloadNeverLeaksPlaintextOrCiphertext()
            throws Exception {
        FilterFramework esx1 = deployFixture();
        disks.create(DiskSpec.of("secret", (long) BLOCKS * BLOCK, BackendType.LOCAL, "esx1"));
        assertTrue(execute("filter:attach secret aes key=" + KEY).contains("Attached filter aes"));
        String info = execute("disk:info --no-format secret");
        assertFalse("the key is never shown: " + info, info.contains(KEY));
        assertTrue(info, info.lines().anyMatch(l -> l.contains("aes") && l.contains("hold") && l.contains("key=***")));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ops = new AtomicLong();
        AtomicLong unavailable = new AtomicLong();
        Collection<String> wrong = new ConcurrentLinkedQueue<>();
        long[] lastWritten = new long[BLOCKS];
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int worker = w;
            workers.add(pool.submit(() -> {
                ByteBuffer in = ByteBuffer.allocateDirect(BLOCK);
                try (DiskHandle h = disks.disk("secret").orElseThrow().open("it")) {
                    for (long seq = 1; !stop.get(); seq++) {
                        int block = worker + 2 * (int) (seq % (BLOCKS / 2));
                        try {
                            h.write((long) block * BLOCK, pattern(seq, block));
                            lastWritten[block] = seq;
                            in.clear();
                            h.read((long) block * BLOCK, in);
                            if (!pattern(seq, block).equals(in.flip())) {
                                wrong.add("block " + block + " read back wrong");
                            }
                            ops.incrementAndGet();
                        } catch (FilterUnavailableException e) {
                            unavailable.incrementAndGet(); // the named error: nothing reached the store
                        } catch (IoException e) {
                            wrong.add("block " + block + ": " + e);
                        }
                    }
                }
                return null;
            }));
        }
        Eventually.awaitMore(ops, 200);
        Path deployed = FilterFixture.deployedJar();
        Files.delete(deployed);
        Eventually.await("filter aes gone", () -> esx1.available().stream().noneMatch(d -> d.name().equals("aes")));
        Eventually.await("I/O held or failed while the filter is gone", Duration.ofSeconds(30), () -> unavailable.get() > 0);
        deployFixture();
        Eventually.awaitMore(ops, 200);
        stop.set(true);
        for (Future<?> f : workers) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertTrue("wrong reads or unnamed errors: " + wrong, wrong.isEmpty());

        try (DiskHandle h = disks.disk("secret").orElseThrow().open("it")) {
            ByteBuffer in = ByteBuffer.allocateDirect(BLOCK);
            for (int block = 0; block < BLOCKS; block++) {
                if (lastWritten[block] != 0) {
                    in.clear();
                    h.read((long) block * BLOCK, in);
                    assertEquals("block " + block, pattern(lastWritten[block], block), in.flip());
                }
            }
        }
        assertEquals("plaintext blocks in the store", 0, plaintextBlocksInStore("secret"));
        disks.delete("secret", false);
    }

    @Test
    public void aHeldRequestFailsByNameNearTheTimeoutAndDetachAndBundleStopEndWithinTheirDeadlines() throws Exception {
        deployFixture();
        disks.create(DiskSpec.of("stuck", 1 << 20, BackendType.LOCAL, "esx1"));
        disks.create(DiskSpec.of("free", 1 << 20, BackendType.LOCAL, "esx1"));
        execute("filter:attach stuck holder");
        ExecutorService pool = Executors.newCachedThreadPool();
        try (DiskHandle stuck = disks.disk("stuck").orElseThrow().open("it");
             DiskHandle free = disks.disk("free").orElseThrow().open("it")) {
            long start = System.nanoTime();
            Future<?> held = pool.submit(() -> {
                stuck.read(0, ByteBuffer.allocateDirect(BLOCK));
                return null;
            });
            // Another disk is not affected while the request is held.
            free.write(0, pattern(1, 0));
            ByteBuffer back = ByteBuffer.allocateDirect(BLOCK);
            free.read(0, back);
            assertEquals(pattern(1, 0), back.flip());
            ExecutionException failed = expectFailure(held);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue("failed by name: " + failed.getCause(), failed.getCause() instanceof FilterTimeoutException);
            assertTrue(failed.getCause().getMessage().contains("filter holder held the READ"));
            // The watchdog scans every 20 ms: the bound leaves room for a loaded CI machine.
            assertTrue("failed after " + millis + " ms", millis >= TIMEOUT_MILLIS && millis < TIMEOUT_MILLIS + 1000);
            assertTrue(execute("filter:list --no-format").lines()
                    .anyMatch(l -> l.startsWith("stuck") && l.contains("longer than filterTimeout")));

            long before = holderRequests("stuck");
            pool.submit(() -> {
                stuck.read(BLOCK, ByteBuffer.allocateDirect(BLOCK));
                return null;
            });
            awaitHolderRequests("stuck", before + 1);
            long detachStart = System.nanoTime();
            assertTrue(execute("filter:detach stuck holder").contains("Detached filter holder"));
            assertTrue("detach within its deadline",
                    System.nanoTime() - detachStart < TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS + 1500));

            execute("filter:attach stuck holder");
            before = holderRequests("stuck");
            pool.submit(() -> {
                stuck.read(2L * BLOCK, ByteBuffer.allocateDirect(BLOCK));
                return null;
            });
            awaitHolderRequests("stuck", before + 1);
            Bundle fixture = FilterFixture.bundle(context);
            long stopStart = System.nanoTime();
            fixture.stop();
            assertTrue("the bundle stops within the deadline",
                    System.nanoTime() - stopStart < TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS + 1500));
            assertEquals(Bundle.RESOLVED, fixture.getState());
            fixture.start();
        } finally {
            pool.shutdownNow();
        }
        disks.delete("stuck", true);
        disks.delete("free", false);
    }

    private static ExecutionException expectFailure(Future<?> future) throws Exception {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e;
        }
        throw new AssertionError("the held request did not fail");
    }

    /** Waits until the holder filter of {@code disk} has been given {@code count} requests. */
    private void awaitHolderRequests(String disk, long count) throws Exception {
        Eventually.await("request " + count + " held on " + disk, () -> {
            try {
                return holderRequests(disk) >= count;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private long holderRequests(String disk) throws Exception {
        return FilterFixture.requests(sessions, disk, "holder");
    }

    /** Drops the fixture jar into deploy/ (if it is not there) and waits for its filters. */
    private FilterFramework deployFixture() throws Exception {
        return FilterFixture.deploy(context, List.of("aes", "holder"));
    }

    /** Blocks of the disk's store file (a local store on esx1's local0) that start with the plaintext marker. */
    private static long plaintextBlocksInStore(String disk) throws Exception {
        Path file = Path.of(System.getProperty("karaf.data"), "vstack", "hosts", "esx1", "local0", disk + ".img");
        byte[] bytes = Files.readAllBytes(file);
        long found = 0;
        for (int b = 0; b < BLOCKS; b++) {
            found += Arrays.equals(bytes, b * BLOCK, b * BLOCK + MARKER.length, MARKER, 0, MARKER.length) ? 1 : 0;
        }
        return found;
    }

    private static ByteBuffer pattern(long seed, int block) {
        ByteBuffer b = ByteBuffer.allocateDirect(BLOCK);
        b.put(MARKER);
        for (int i = MARKER.length; i < BLOCK; i += 8) {
            b.putLong(i, seed * 0x9E3779B97F4A7C15L + block * 31L + i);
        }
        return b.clear();
    }

    private String execute(String command) throws Exception {
        return Shell.execute(sessions, command);
    }
}
