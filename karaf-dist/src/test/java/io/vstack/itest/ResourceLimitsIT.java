package io.vstack.itest;

import io.vstack.api.disk.DiskManager;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * Requests that are each legal but would exhaust or wedge the shared JVM, through the real
 * shell: each is refused by name in one line, and the distribution still answers afterwards.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ResourceLimitsIT {

    @Inject
    SessionFactory sessionFactory;

    /** Waited for: the disk manager loads its inventory off {@code @Activate}, the disk: commands come with it. */
    @Inject
    DiskManager disks;

    @Configuration
    public Option[] config() {
        return VstackDistribution.options();
    }

    @Test
    public void exhaustingRequestsAreRefusedByNameAndTheDistributionLivesOn() throws Exception {
        Eventually.await("workload:run and cache:simulate", () -> {
            try {
                String help = execute("help");
                return help.contains("workload:run") && help.contains("cache:simulate");
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(execute("disk:create --size 64M limits").contains("Created disk limits"));

        assertRefused("workload:run --threads 1024 --bs 16M --ops 1 --quiet limits",
                "workload:run --threads 1024 x --bs 16M needs 16 GiB of direct memory; the distribution has");
        assertRefused("cache:simulate --policy lru --size 1000000000 --trace /dev/null",
                "cache:simulate --size 1000000000 x 1 policy needs 119.2 GiB of heap; the distribution has ");
        assertRefused("cache:simulate --policy lru --format u32 --trace /dev/zero",
                "trace /dev/zero is not a regular file (a FIFO, device or socket): give a trace file");

        Path fifo = Files.createTempDirectory("vstack-limits").resolve("trace.fifo");
        Assume.assumeTrue("mkfifo failed", new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor() == 0);
        assertRefused("cache:simulate --policy lru --trace " + fifo, "trace " + fifo + " is not a regular file");
        assertRefused("workload:run --trace " + fifo + " --quiet limits", "trace " + fifo + " is not a regular file");
        Files.delete(fifo);
        Files.delete(fifo.getParent());

        // Still alive: a small workload runs and completes.
        String out = execute("workload:run --rw write --verify --ops 64 --quiet --no-format limits");
        assertTrue(out, out.contains("errors 0, verified blocks 0, verify failures 0, completed"));
        execute("disk:delete limits");
    }

    private void assertRefused(String command, String expected) throws Exception {
        try {
            execute(command);
        } catch (Exception e) {
            assertTrue(command + ": " + e.getMessage(), e.getMessage().contains(expected));
            assertFalse(command + ": one line", e.getMessage().contains("\n"));
            return;
        }
        throw new AssertionError(command + " must be refused");
    }

    private String execute(String command) throws Exception {
        return Shell.execute(sessionFactory, command);
    }
}
