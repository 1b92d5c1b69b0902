package io.vstack.itest;

import io.vstack.api.disk.DiskManager;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import io.vstack.api.cache.EvictionPolicyFactory;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;

/** The cache: commands in the full distribution, through a real shell session. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CacheIT {

    @Inject
    SessionFactory sessionFactory;

    /** Waited for: the disk manager loads its inventory off {@code @Activate}, the disk: commands come with it. */
    @Inject
    DiskManager disks;

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return VstackDistribution.options();
    }

    @Test
    public void simulateReplaysAGeneratedTraceThroughEveryPolicy() throws Exception {
        Path trace = Files.createTempFile("vstack-loop", ".txt");
        Files.writeString(trace, IntStream.range(0, 2000).mapToObj(i -> Integer.toString(i % 20))
                .collect(Collectors.joining("\n")));
        // The policies are found through the whiteboard; wait until all five are registered.
        Eventually.await("five eviction policies", () -> policies() == 5);
        assertEquals(5, execute("cache:policies --no-format").lines().count());
        String out = execute("cache:simulate --no-format --opt --size 20,10 --trace " + trace);
        List<String> rows = out.lines().map(line -> line.replaceAll("\\s*\t\\s*", "\t").strip()).collect(Collectors.toList());
        assertEquals(out, 2, rows.size());
        String name = trace.getFileName().toString().replace(".txt", "");
        // 20 keys fit in 20 slots: only the 20 first references miss, for every policy and OPT.
        assertEquals(name + "@20\t2000\t1.00\t1.00\t1.00\t1.00\t1.00\t1.00", rows.get(0));
        assertTrue(out, rows.get(1).startsWith(name + "@10\t2000\t"));
        Files.delete(trace);
    }

    @Test
    public void simulateReadsTheSharedXzTraceThroughTheTraceReaderService() throws Exception {
        Path web07 = Path.of("/work/shared/traces/cache2k/web07.trace.xz");
        Assume.assumeTrue("shared traces not on this machine", Files.isReadable(web07));
        Eventually.await("five eviction policies", () -> policies() == 5);
        String out = execute("cache:simulate --no-format --policy lru --size 1000 --format s32 --trace " + web07);
        List<String> rows = out.lines().map(line -> line.replaceAll("\\s*\t\\s*", "\t").strip()).collect(Collectors.toList());
        assertEquals(out, 1, rows.size());
        // the xz stream decoded inside the container: all 76,118 references of web07
        assertTrue(out, rows.get(0).startsWith("web07@1000\t76118\t"));
    }

    /** The summary line of {@code workload:run}. */
    private static final Pattern SUMMARY = Pattern.compile(
            "disk (\\S+), (\\S+) bs=(\\d+) threads=(\\d+), [\\d.]+ s, errors (\\d+), verified blocks (\\d+), verify failures (\\d+)");

    @Test
    public void theCacheFilterOnARealDiskServesTheSecondPassFromEsx1sBlockCache() throws Exception {
        // esx1's block cache comes from etc/io.vstack.cache.block-esx1.cfg; the filter from the cache bundle
        Eventually.await("esx1's block cache and the cache filter in esx1's filter framework", () -> {
            try {
                return execute("cache:list --no-format").contains("esx1")
                        && execute("filter:list").contains("shared by linked clones");
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(execute("disk:create --size 8M --host esx1 cached").contains("Created disk cached"));
        execute("filter:attach cached cache mode=write-through");
        long hitsBefore = counter(execute("cache:stats --no-format esx1"), "hits");
        // write self-checking blocks over 4M (1,024 blocks), then read them back twice
        Matcher write = summary(execute("workload:run --rw write --verify --size 4M --ops 1024 --quiet --no-format cached"));
        assertEquals("errors", "0", write.group(5));
        for (int pass = 0; pass < 2; pass++) {
            Matcher read = summary(execute("workload:run --verify-only --size 4M --quiet --no-format cached"));
            assertEquals("errors", "0", read.group(5));
            assertEquals("verified blocks", "1024", read.group(6));
            assertEquals("verify failures", "0", read.group(7));
        }
        String stats = execute("cache:stats --no-format esx1");
        assertTrue(stats, counter(stats, "hits") - hitsBefore >= 1024);
        assertTrue(stats, counter(stats, "insertions") >= 1024);
        // bad input: one line
        try {
            execute("cache:stats nosuchcache");
            throw new AssertionError("cache:stats of an unknown cache must fail");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no block cache named 'nosuchcache'"));
        }
        execute("filter:detach cached cache");
        execute("disk:delete cached");
    }

    private static long counter(String stats, String name) {
        return stats.lines().map(l -> l.strip().split("\\s+")).filter(cells -> cells[0].equals(name))
                .mapToLong(cells -> Long.parseLong(cells[1])).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in\n" + stats));
    }

    private static Matcher summary(String output) {
        Matcher m = SUMMARY.matcher(output);
        if (!m.find()) {
            throw new AssertionError("no workload summary in:\n" + output);
        }
        return m;
    }

    private int policies() {
        try {
            return context.getServiceReferences(EvictionPolicyFactory.class, null).size();
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private String execute(String command) throws Exception {
        return Shell.execute(sessionFactory, command);
    }
}
