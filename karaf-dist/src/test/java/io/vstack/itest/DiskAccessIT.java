package io.vstack.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskManager;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.io.RedirectLoopException;
import io.vstack.api.io.UpcallFailedException;
import io.vstack.api.io.UpcallTimeoutException;
import io.vstack.api.storage.BackendType;
import io.vstack.api.transport.Transport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * leaving no upcall thread, while another disk goes on; a request redirected over the transport
 * (the fixture's {@code link} filter, to this process's own endpoint) lands at the target disk's
 * filter, {@code disk:trace} shows its hop, and a loop fails by name.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DiskAccessIT {

    private static final int BLOCK = 4096;
    private static final List<String> FIXTURE_FILTERS = List.of("tag-a", "tag-b", "tag-c", "tag-d", "upcall", "link");

    @Inject
    DiskManager disks;

    @Inject
    SessionFactory sessions;

    @Inject
    BundleContext context;

    @Inject
    Transport transport;

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
        Bundle fixture = FilterFixture.bundle(context);
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

    @Test
    public void aRedirectOverTheTransportLandsAtTheTargetFilterAndALoopIsRefusedByName() throws Exception {
        deployFixture();
        String endpoint = transport.localEndpoint().orElseThrow().toString();
        disks.create(DiskSpec.of("near", 1 << 20, BackendType.LOCAL, "esx1"));
        disks.create(DiskSpec.of("far", 1 << 20, BackendType.LOCAL, "esx2"));
        execute("filter:attach far tag-d");
        execute("filter:attach near link to=" + endpoint + "/far at=tag-d");
        try (DiskHandle near = disks.disk("near").orElseThrow().open("it");
             DiskHandle far = disks.disk("far").orElseThrow().open("it")) {
            near.write(0, ByteBuffer.allocate(BLOCK));
            assertEquals("the write went through far's tag-d", "tag-d>tag-d<", read(far, 0));
            assertEquals("tag-d>tag-d<", read(near, 0));
        }
        String trace = execute("disk:trace --no-format near");
        assertTrue(trace, trace.lines().anyMatch(l -> l.contains(endpoint + "/near") && l.contains(endpoint + "/far")
                && l.contains("tag-d") && l.contains("ok")));

        disks.create(DiskSpec.of("loop", 1 << 20, BackendType.LOCAL, "esx1"));
        execute("filter:attach loop link to=" + endpoint + "/far");
        execute("filter:attach far link to=" + endpoint + "/loop");
        try (DiskHandle loop = disks.disk("loop").orElseThrow().open("it")) {
            loop.write(0, ByteBuffer.allocate(BLOCK));
            fail("a redirect loop completed");
        } catch (RedirectLoopException e) {
            assertEquals("redirect loop: " + endpoint + "/loop -> " + endpoint + "/far -> " + endpoint + "/loop visits "
                    + endpoint + "/loop twice; the request failed", e.getMessage());
        }
        for (String disk : List.of("near", "far", "loop")) {
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
            return FilterFixture.requests(sessions, disk, filter);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void deployFixture() throws Exception {
        FilterFixture.deploy(context, FIXTURE_FILTERS);
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
