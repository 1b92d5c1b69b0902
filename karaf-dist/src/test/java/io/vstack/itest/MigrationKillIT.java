package io.vstack.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;

/**
 * Two distribution processes on loopback: A has host esx1, B has host esx2, each reaching the
 * other's migration endpoint at a configured address. A VM with a writing workload runs on A;
 * its migration to B is under way when B's JVM is killed with {@code kill -9}. A must roll back:
 * the VM runs on at esx1 and keeps writing, A's ENI of the VM is attached to esx1 only, and a
 * second migration to B (restarted) completes with the destination's digest of every page
 * equal to the source's — the source's memory came through the failed attempt intact.
 * <p>The datacenter controller is simulated in each process (one in-JVM controller per
 * distribution): what is checked is A's controller, which is the one that had moved nothing yet
 * and must hold the ENI at the source; B's controller died with B.
 * <p>Not Pax Exam: Pax Exam cannot host two processes or kill its own container.
 */
public class MigrationKillIT {

    private static final Pattern WRITES = Pattern.compile("(?m)^web\\s+esx1\\s+running\\s.*?(\\d+)\\s*$");

    private DistributionProcess a;
    private DistributionProcess b;

    @After
    public void stopEverything() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    public void killingTheDestinationMidMigrationLeavesTheVmRunningAtTheSourceWithItsEniAndMemoryIntact() throws Exception {
        int portB = DistributionProcess.freePort();
        a = new DistributionProcess("migkill-a");
        b = new DistributionProcess("migkill-b");
        Files.delete(a.home().resolve("etc/io.vstack.hw.host-esx2.cfg"));
        Files.delete(b.home().resolve("etc/io.vstack.hw.host-esx1.cfg"));
        Files.writeString(a.home().resolve("etc/io.vstack.migration.cfg"), "remoteHosts = esx2=127.0.0.1:" + portB + "\n",
                StandardCharsets.ISO_8859_1);
        Files.writeString(b.home().resolve("etc/io.vstack.migration.cfg"), "ports = esx2=" + portB + "\n", StandardCharsets.ISO_8859_1);
        a.launch();
        b.launch();
        a.awaitUp("migrate:history --no-format");
        b.awaitUp("migrate:history --no-format");
        Eventually.await("host esx1 in A only, esx2 in B only", DistributionProcess.COMMAND, checked(() -> {
            String hostsA = a.client("host:list --no-format");
            String hostsB = b.client("host:list --no-format");
            return hostsA.contains("esx1") && !hostsA.contains("esx2") && hostsB.contains("esx2") && !hostsB.contains("esx1");
        }));

        a.client("vm:create --memory 256M --vcpus 2 --nic net0:10.0.0.5 --start web esx1");
        a.client("vm:workload --dirty-rate 50M --working-set 64M web");
        Eventually.await("the guest writes on A", DistributionProcess.COMMAND, checked(() -> writes(a) > 1000));
        // Capped at 16 MiB/s while the guest dirties 50 MB/s: the pre-copy lasts long enough to be cut.
        assertTrue(a.client("migrate:start --background --max-bandwidth 16M web esx2").contains("started"));
        // Pre-copy begins once B has accepted the incoming VM (HELLO answered).
        Eventually.await("the migration streams pages into B", DistributionProcess.COMMAND, checked(() ->
                a.client("migrate:status --no-format").contains("precopy")));

        b.killNine();

        Eventually.await("A rolls the migration back", DistributionProcess.COMMAND, checked(() -> a.client("migrate:history --no-format")
                .lines().anyMatch(l -> l.startsWith("m-") && l.contains("failed"))));
        String status = a.client("migrate:status --no-format");
        assertTrue("nothing running: " + status, status.lines().noneMatch(l -> l.startsWith("m-")));
        String vms = a.client("vm:list --no-format");
        Matcher m = WRITES.matcher(vms);
        assertTrue("web runs on at esx1 in A: " + vms, m.find());
        long before = Long.parseLong(m.group(1));
        Eventually.await("the guest keeps writing on A", DistributionProcess.COMMAND, checked(() -> writes(a) > before + 1000));
        String eni = a.client("net:eni-list --no-format").lines().filter(l -> l.startsWith("eni-web-0")).findFirst().orElseThrow();
        assertTrue("A's ENI of web is attached to esx1, nothing to esx2: " + eni, eni.contains("esx1") && !eni.contains("esx2"));

        b.start("migrate:history --no-format");
        String again = a.client("migrate:start web esx2");
        assertTrue(again, again.contains("completed: web runs on esx2") && again.contains("digest verified"));
        String onB = b.client("vm:list --no-format");
        assertTrue(onB, onB.lines().anyMatch(l -> l.matches("web\\s+esx2\\s+running\\s.*")));
        System.out.println("after kill -9 of the destination and a second migration:\n" + a.client("migrate:history --no-format") + onB);
    }

    private interface Check {
        boolean test() throws Exception;
    }

    /** A condition whose checked exceptions fail the wait. */
    private static BooleanSupplier checked(Check check) {
        return () -> {
            try {
                return check.test();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static long writes(DistributionProcess p) throws Exception {
        Matcher m = WRITES.matcher(p.client("vm:list --no-format"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
