package io.vstack.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskManager;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.FilterFramework;
import io.vstack.api.io.UpcallFailedException;
import io.vstack.api.io.UpcallTimeoutException;
import io.vstack.api.storage.BackendType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
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
 * Disk access in the real distribution, with the fixture bundle's filters: I/O opened at a filter
 * (the API and {@code workload:run --at}) passes only that filter and those below it, in chain
 * order, as the tagging filters {@code tag-a}..{@code tag-d} record in the data; and a filter's
 * hung upcalls fail by name at their deadline, and all at once when the filter's bundle stops,
 * leaving no upcall thread, while another disk goes on.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DiskAccessIT {

    private static final int BLOCK = 4096;
    private static final List<String> FIXTURE_FILTERS = List.of("tag-a", "tag-b", "tag-c", "tag-d", "upcall");

    @Inject
    DiskManager disks;

    @Inject
    SessionFactory sessions;

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return VstackDistribution.options(VstackDistribution.fixtureJar());
    }

    @Test
    public void ioOpenedAtAFilterPassesOnlyItAndTheFiltersBelowItInChainOrder() throws Exception {
        deployFixture();
        disks.create(DiskSpec.of("tags", 1 << 20, BackendType.LOCAL, "esx1"));
        for (String filter : List.of("tag-d", "tag-b", "tag-a", "tag-c")) { // not in chain order
            execute("filter:attach tags " + filter);
        }
        try (DiskHandle top = disks.disk("tags").orElseThrow().open("it");
             DiskHandle atC = disks.disk("tags").orElseThrow().openAt("it", "tag-c");
             DiskHandle atB = disks.disk("tags").orElseThrow().openAt("it", "tag-b")) {
            top.write(0, ByteBuffer.allocate(BLOCK));
            assertEquals("tag-a>tag-b>tag-c>tag-d>tag-d<tag-c<", read(atC, 0));
            atB.write(BLOCK, ByteBuffer.allocate(BLOCK));
            assertEquals("tag-b>tag-c>tag-d>tag-d<tag-c<tag-b<tag-a<", read(top, BLOCK));
        }
        try {
            disks.disk("tags").orElseThrow().openAt("it", "nope");
            fail("opened at a filter that is not attached");
        } catch (IllegalArgumentException e) {
            assertEquals("no filter 'nope' is attached to disk tags; disk:info tags lists its filters", e.getMessage());
        }

        long[] before = requests("tags");
        String out = execute("workload:run --at tag-c --rw randread --ops 200 --size 64K --quiet --no-format tags");
        assertTrue(out, out.contains("errors 0,"));
        long[] after = requests("tags");
        assertEquals("tag-a is above the entry", before[0], after[0]);
        assertEquals("tag-b is above the entry", before[1], after[1]);
        assertEquals(before[2] + 200, after[2]);
        assertEquals(before[3] + 200, after[3]);
        assertEquals("--at 'nope': no such filter is attached to disk tags; disk:info tags lists its filters",
                failure("workload:run --at nope --ops 1 tags"));
        disks.delete("tags", false);
    }

    @Test
    public void hungUpcallsFailByNameAtTheirDeadlineAndAllAtOnceWhenTheFilterBundleStops() throws Exception {
        deployFixture();
        disks.create(DiskSpec.of("hung", 1 << 20, BackendType.LOCAL, "esx1"));
        disks.create(DiskSpec.of("brief", 1 << 20, BackendType.LOCAL, "esx1"));
        disks.create(DiskSpec.of("free", 1 << 20, BackendType.LOCAL, "esx1"));
        execute("filter:attach hung upcall function=hang");
        execute("filter:attach brief upcall function=hang upcallTimeout=300ms");
        execute("filter:attach free upcall function=ok");
        try (DiskHandle brief = disks.disk("brief").orElseThrow().open("it")) {
            long start = System.nanoTime();
            try {
                brief.read(0, ByteBuffer.allocate(BLOCK));
                fail("a hung upcall's read completed");
            } catch (UpcallTimeoutException e) {
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(e.getMessage(), e.getMessage().contains("filter upcall's upcall gave no result within upcallTimeout 300ms"));
                // A bound with room for a loaded CI machine; the benchmark measures the real lateness.
                assertTrue("failed after " + millis + " ms", millis >= 300 && millis < 1300);
            }
        }

        int pending = 200;
        ConcurrentLinkedQueue<Throwable> outcomes = new ConcurrentLinkedQueue<>();
        List<Thread> issuers = new ArrayList<>();
        DiskHandle hung = disks.disk("hung").orElseThrow().open("it");
        for (int i = 0; i < pending; i++) {
            long offset = (long) (i % 256) * BLOCK;
            Thread t = new Thread(() -> {
                try {
                    hung.read(offset, ByteBuffer.allocate(BLOCK));
                    outcomes.add(new AssertionError("completed"));
                } catch (Throwable e) {
                    outcomes.add(e);
                }
            }, "it-issuer-" + i);
            issuers.add(t);
            t.start();
        }
        Eventually.await(pending + " requests in the hung filter", () -> requests("hung", "upcall") >= pending);
        try (DiskHandle free = disks.disk("free").orElseThrow().open("it")) {
            for (int i = 0; i < 50; i++) {
                free.write(0, ByteBuffer.allocate(BLOCK));
            }
        }
        long start = System.nanoTime();
        Bundle fixture = fixtureBundle();
        fixture.stop();
        for (Thread t : issuers) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(pending, outcomes.size());
        for (Throwable outcome : outcomes) {
            assertTrue(String.valueOf(outcome), outcome instanceof UpcallFailedException
                    && outcome.getMessage().contains("filter upcall's bundle went away"));
        }
        assertTrue("failed at the bundle's stop, not at the 30 s deadline: " + millis + " ms", millis < 15_000);
        Eventually.await("no upcall thread left", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("vstack-upcall-")));
        hung.close();
        fixture.start();
        for (String disk : List.of("hung", "brief", "free")) {
            disks.delete(disk, false);
        }
    }

    private static String read(DiskHandle handle, long offset) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(BLOCK);
        handle.read(offset, buffer);
        byte[] bytes = buffer.array();
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.US_ASCII);
    }

    /** Requests given to tag-a..tag-d on {@code disk}, from filter:list. */
    private long[] requests(String disk) throws Exception {
        long[] counts = new long[4];
        for (int i = 0; i < 4; i++) {
            counts[i] = requests(disk, "tag-" + (char) ('a' + i));
        }
        return counts;
    }

    private long requests(String disk, String filter) {
        try {
            // filter:list --no-format separates columns by tabs: disk, filter, state, on missing, requests, ...
            return execute("filter:list --no-format").lines().map(l -> l.split("\t")).filter(f -> f.length > 4
                    && f[0].trim().equals(disk) && f[1].trim().equals(filter)).mapToLong(f -> Long.parseLong(f[4].trim()))
                    .findFirst().orElse(-1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drops the fixture jar into deploy/ (if it is not there) and waits for its filters. */
    private void deployFixture() throws Exception {
        Path deployed = Path.of(System.getProperty("karaf.base"), "deploy", "vstack-test-filter.jar");
        if (!Files.exists(deployed)) {
            Files.copy(Path.of(System.getProperty("vstack.fixture.jar")), deployed, StandardCopyOption.REPLACE_EXISTING);
        }
        FilterFramework esx1 = Frameworks.await(context, "esx1");
        Eventually.await("the fixture's filters deployed", () -> esx1.available().stream().map(FilterDescriptor::name)
                .toList().containsAll(FIXTURE_FILTERS));
    }

    private Bundle fixtureBundle() {
        return Arrays.stream(context.getBundles()).filter(b -> "io.vstack.test.filter".equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
    }

    private String execute(String command) throws Exception {
        return Shell.execute(sessions, command);
    }

    /** The one-line message a failing command gives. */
    private String failure(String command) {
        try {
            execute(command);
        } catch (Exception e) {
            return e.getMessage();
        }
        throw new AssertionError(command + " did not fail");
    }
}
