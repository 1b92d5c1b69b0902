package io.vstack.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.vstack.api.disk.DiskManager;
import io.vstack.api.hw.Host;
import io.vstack.api.filter.FilterAttachment;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.FilterFramework;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.osgi.framework.BundleContext;

/**
 * The whole data path in the real distribution, through shell sessions only: a disk with the
 * {@code stats} and {@code checksum} filters, a verifying random read/write workload, then the
 * checksum filter detached while another session's workload keeps writing and verifying.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DataPathIT {

    /** The summary line of {@code workload:run}. */
    private static final Pattern SUMMARY = Pattern.compile(
            "disk (\\S+), (\\S+) bs=(\\d+) threads=(\\d+), [\\d.]+ s, errors (\\d+), verified blocks (\\d+), verify failures (\\d+), (\\w+)");

    @Inject
    DiskManager disks;

    @Inject
    SessionFactory sessionFactory;

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return VstackDistribution.options();
    }

    @Test
    public void aVerifyWorkloadThroughStatsAndChecksumHasNoErrorsAndAFilterDetachedUnderLoadLosesNoIo() throws Exception {
        String esx1 = "(" + Host.NAME_PROPERTY + "=esx1)";
        Eventually.await("the stats and checksum filters in esx1's filter framework", () -> {
            try {
                return context.getServiceReferences(FilterFramework.class, esx1).stream().map(context::getService)
                        .anyMatch(f -> f.available().stream().map(FilterDescriptor::name).toList()
                                .containsAll(List.of("stats", "checksum")));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Eventually.await("workload:run", () -> {
            try {
                return execute("help workload").contains("workload:run");
            } catch (Exception e) {
                return false;
            }
        });

        assertTrue(execute("disk:create --size 64M dp").contains("Created disk dp"));
        execute("filter:attach dp stats");
        execute("filter:attach dp checksum");
        assertEquals(List.of("stats", "checksum"), chain("dp"));

        // 1. A verifying random read/write workload through both filters.
        Matcher first = summary(execute("workload:run --rw randrw --verify --threads 2 --ops 20000 --flush-every 256"
                + " --quiet --no-format dp"));
        assertEquals("randrw", first.group(2));
        assertEquals("errors", "0", first.group(5));
        assertEquals("verify failures", "0", first.group(7));
        assertTrue("blocks verified: " + first.group(6), Long.parseLong(first.group(6)) > 0);
        assertEquals("completed", first.group(8));
        // The checksum filter verified the reads too, or the reads would have failed: stats saw them all.
        String stats = execute("filter:stats --no-format dp");
        assertTrue(stats, opCount(stats, "dp", "read") + opCount(stats, "dp", "write") >= 20000);

        // Bad workload input: one line, the disk untouched.
        assertOneLineError("workload:run --bs 6K dp", "is not a multiple of disk dp's block size 4096");
        assertOneLineError("workload:run --size 1G dp", "is larger than disk dp");
        assertOneLineError("workload:run --rw sideways dp", "is not a pattern");

        // 2. Detach the checksum filter while another session's workload writes and verifies.
        ByteArrayOutputStream loadOutput = new ByteArrayOutputStream();
        AtomicReference<Throwable> loadFailure = new AtomicReference<>();
        long before = opCount(execute("filter:stats --no-format dp"), "dp", "write");
        Thread load = new Thread(() -> {
            try {
                execute("workload:run --rw randrw --verify --threads 2 --duration 30s --quiet --no-format dp", loadOutput);
            } catch (Throwable e) {
                loadFailure.set(e);
            }
        }, "datapath-it-load");
        load.start();
        try {
            Eventually.await("the workload under way", Duration.ofSeconds(60), () -> {
                try {
                    return opCount(execute("filter:stats --no-format dp"), "dp", "write") > before + 2000;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            execute("filter:detach dp checksum");
            assertEquals(List.of("stats"), chain("dp"));
            long afterDetach = opCount(execute("filter:stats --no-format dp"), "dp", "write");
            Eventually.await("writes after the detach", Duration.ofSeconds(60), () -> {
                try {
                    return opCount(execute("filter:stats --no-format dp"), "dp", "write") > afterDetach + 2000;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue("the workload was still running after the detach (30 s were not enough on this machine)",
                    load.isAlive());
        } finally {
            load.join(Duration.ofSeconds(120).toMillis());
        }
        assertFalse("the workload ended", load.isAlive());
        if (loadFailure.get() != null) {
            throw new AssertionError("workload under detach failed: " + loadFailure.get(), loadFailure.get());
        }
        Matcher underLoad = summary(loadOutput.toString(StandardCharsets.UTF_8));
        assertEquals("errors under detach", "0", underLoad.group(5));
        assertEquals("verify failures under detach", "0", underLoad.group(7));
        assertEquals("completed", underLoad.group(8));

        // 3. filter:stats shows figures for both op types, with latency percentiles.
        String figures = execute("filter:stats --no-format dp");
        assertTrue(figures, opCount(figures, "dp", "read") > 0 && opCount(figures, "dp", "write") > 0);
        String readRow = row(figures, "dp", "read");
        String[] cells = readRow.trim().split("\\s+");
        assertEquals(readRow, "0", cells[3]);
        assertTrue("p50 latency: " + readRow, Double.parseDouble(cells[7]) > 0);

        // The data written while the checksum filter ran, and after, still reads back intact.
        Matcher check = summary(execute("workload:run --verify-only --threads 2 --quiet --no-format dp"));
        assertEquals("errors", "0", check.group(5));
        assertEquals("verify failures", "0", check.group(7));
        assertTrue(Long.parseLong(check.group(6)) > 0);
        execute("disk:delete dp");
    }

    private void assertOneLineError(String command, String expected) throws Exception {
        try {
            execute(command);
        } catch (IllegalArgumentException e) {
            assertTrue(command + ": " + e.getMessage(), e.getMessage().contains(expected));
            assertFalse(command + ": one line", e.getMessage().contains("\n"));
            return;
        }
        throw new AssertionError(command + " must fail");
    }

    private List<String> chain(String disk) {
        return disks.disk(disk).orElseThrow().info().filters().stream().map(FilterAttachment::descriptor)
                .map(FilterDescriptor::name).toList();
    }

    private static Matcher summary(String output) {
        Matcher m = SUMMARY.matcher(output);
        if (!m.find()) {
            throw new AssertionError("no workload summary in:\n" + output);
        }
        return m;
    }

    /** The row of {@code filter:stats --no-format} for a disk and op type. */
    private static String row(String stats, String disk, String op) {
        return stats.lines().filter(l -> l.trim().matches(Pattern.quote(disk) + "\\s+" + op + "\\s.*")).findFirst()
                .orElse("");
    }

    /** The op count of that row, 0 if there is none. */
    private static long opCount(String stats, String disk, String op) {
        String row = row(stats, disk, op);
        return row.isEmpty() ? 0 : Long.parseLong(row.trim().split("\\s+")[2]);
    }

    private String execute(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        execute(command, bytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private void execute(String command, ByteArrayOutputStream bytes) throws Exception {
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, out)) {
            session.execute(command);
        }
    }
}
