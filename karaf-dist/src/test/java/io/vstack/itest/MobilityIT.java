package io.vstack.itest;

import io.vstack.api.disk.DiskManager;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.migration.MigrationReport;
import io.vstack.api.migration.MigrationService;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmService;
import io.vstack.api.vm.VmState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** A VM created, loaded and live-migrated esx1→esx2 through the shell of the real distribution. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MobilityIT {

    @Inject
    HostRegistry hosts;

    @Inject
    VmService vms;

    @Inject
    MigrationService migrations;

    @Inject
    SessionFactory sessionFactory;

    /** Waited for: the disk manager loads its inventory off {@code @Activate}, the disk: commands come with it. */
    @Inject
    DiskManager disks;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return VstackDistribution.options();
    }

    @Test
    public void aRunningVmMigratesThroughTheShellWithEveryPageVerifiedAndItsNetworkFollowing() throws Exception {
        Eventually.await("hosts esx1 and esx2", () -> hosts.host("esx1").isPresent() && hosts.host("esx2").isPresent());
        assertTrue(execute("disk:create --size 16M --host esx1 webdisk").contains("Created disk webdisk"));
        execute("vm:create --memory 64M --vcpus 2 --disk webdisk --nic net0:10.0.0.5 --start web esx1");
        execute("vm:create --memory 16M --vcpus 1 --nic net0:10.0.0.6 --start peer esx1");
        execute("vm:workload --dirty-rate 20M --working-set 16M web");
        Eventually.await("the guest writes", () -> vms.vm("web").orElseThrow().guestWrites() > 1000);
        assertEquals("delivered", execute("net:send esx1 10.0.0.5 10.0.0.6").trim());
        assertTrue(execute("net:probe --period 1ms web 10.0.0.5 10.0.0.6").contains("started"));

        String out = execute("migrate:start --downtime-limit 20ms --channels 1 web esx2");
        assertTrue(out, out.contains("completed: web runs on esx2") && out.contains("digest verified"));
        VmInfo web = vms.vm("web").orElseThrow();
        assertEquals("esx2", web.host());
        assertEquals(VmState.RUNNING, web.state());
        List<MigrationReport> history = migrations.history();
        MigrationReport report = history.get(history.size() - 1);
        assertTrue(report.digestVerified());
        JsonNode metrics = metrics(report);
        assertTrue(metrics.get("digestVerified").asBoolean());
        String historyTable = execute("migrate:history");
        assertTrue(historyTable, historyTable.contains("verified") && historyTable.contains("Blackout"));
        assertEquals("handed over to esx2", metrics.get("disks").asText());
        // The probe saw traffic resume at the destination; the blackout figure exists only when its gap
        // exceeded two probe periods (a faster switchover leaves none to measure).
        assertEquals(metrics.toString(), 1, metrics.findValue("probeResumed").asLong());
        assertEquals(metrics.findValue("networkBlackoutNanos") != null, report.blackoutNanos() >= 0);
        JsonNode row = new ObjectMapper().readTree(execute("migrate:history --json")).get(history.size() - 1);
        assertEquals("web", row.get("vm").asText());
        assertEquals(report.downtimeNanos(), row.get("downtimeNanos").asLong());
        String owner = execute("disk:info --no-format webdisk").lines().filter(l -> l.startsWith("Owner")).findFirst().orElseThrow();
        assertTrue(owner, owner.endsWith("esx2"));
        String probe = execute("net:probe-list --no-format").lines().filter(l -> l.startsWith("p")).findFirst().orElseThrow();
        assertTrue(probe, probe.trim().endsWith("esx2"));

        String enis = execute("net:eni-list --no-format");
        String webEni = enis.lines().filter(l -> l.startsWith("eni-web-0")).findFirst().orElseThrow();
        assertTrue(webEni, webEni.contains("10.0.0.5") && webEni.contains("esx2"));
        assertEquals("delivered", execute("net:send esx2 10.0.0.5 10.0.0.6").trim());
        assertEquals("dropped", execute("net:send esx1 10.0.0.5 10.0.0.6").trim());
        assertTrue(execute("net:programmers --no-format").contains("eni-move"));

        assertEquals("VM web is already on host esx2", executeExpectingError("migrate:start web esx2"));
        assertEquals("No host named 'esx7'; host:list shows the hosts", executeExpectingError("migrate:start web esx7"));
        assertEquals("esx2", vms.vm("web").orElseThrow().host());
    }

    /**
     * A 1 GiB VM with data in nearly every page moves with {@code --verify-memory}: at the
     * switchover each side reads all 262,144 pages of its own memory into a checksum, and the
     * destination resumes only if the two are equal.
     */
    @Test
    public void aOneGibVmArrivesWithTheChecksumOfAllItsPagesEqualOnBothSides() throws Exception {
        Eventually.await("hosts esx1 and esx2", () -> hosts.host("esx1").isPresent() && hosts.host("esx2").isPresent());
        execute("vm:create --memory 1G --vcpus 2 --start big esx1");
        // Sequential full-page writes over all but 8 MiB: the stream carries data, not zero-page records.
        execute("vm:workload --dirty-rate 4G --working-set 1016M --pattern sequential --write-size 4096 big");
        Eventually.await("every page of the working set written", () -> vms.vm("big").orElseThrow().guestWrites() > 1016 * 256);
        execute("vm:workload --dirty-rate 0 big");

        String out = execute("migrate:start --verify-memory big esx2");
        assertTrue(out, out.contains("completed: big runs on esx2") && out.contains("digest verified"));
        MigrationReport report = migrations.history().stream().filter(r -> r.status().vmId().equals("big")).reduce((a, b) -> b)
                .orElseThrow();
        assertTrue(report.digestVerified());
        JsonNode metrics = metrics(report);
        assertEquals(1L << 30, metrics.get("vmMemoryBytes").asLong());
        assertTrue(metrics.get("params").get("verifyFullMemory").asBoolean());
        assertTrue(metrics.get("digestVerified").asBoolean());
        assertTrue(metrics.toString(), metrics.get("pagesRaw").asLong() >= 1016 * 256);
        assertEquals("esx2", vms.vm("big").orElseThrow().host());
        execute("vm:stop big");
        execute("vm:delete big");
    }

    @Test
    public void aWritingVmMovesInPostcopyThroughTheShellAndEveryPageArrivesEqual() throws Exception {
        Eventually.await("hosts esx1 and esx2", () -> hosts.host("esx1").isPresent() && hosts.host("esx2").isPresent());
        execute("vm:create --memory 32M --vcpus 2 --nic net0:10.0.0.7 --start db esx1");
        execute("vm:workload --dirty-rate 32M --working-set 8M --write-size 8 db");
        Eventually.await("the guest writes", () -> vms.vm("db").orElseThrow().guestWrites() > 1000);

        // The push is capped so that the guest, writing all over 8 MiB, touches pages before they come.
        String out = execute("migrate:start --mode postcopy --max-postcopy-bandwidth 32M db esx2");
        assertTrue(out, out.contains("completed: db runs on esx2") && out.contains("digest verified") && out.contains("post-copy after"));
        MigrationReport report = migrations.history().stream().filter(r -> r.status().vmId().equals("db")).reduce((a, b) -> b).orElseThrow();
        assertTrue("every page arrived equal to the source's at the stun", report.digestVerified());
        assertTrue(report.status().postcopy().toString(), report.status().postcopy().switched()
                && report.status().postcopy().pagesRequested() + report.status().postcopy().pagesPushed() >= 32 * 256);
        assertTrue(metrics(report).get("postcopy").has("faultP99Nanos"));
        String history = execute("migrate:history --no-format");
        assertTrue(history, history.lines().anyMatch(l -> l.contains("db") && l.contains("postcopy") && l.contains("postcopy mode")));
        long writes = vms.vm("db").orElseThrow().guestWrites();
        Eventually.await("the guest runs on at esx2", () -> vms.vm("db").orElseThrow().guestWrites() > writes);
        assertEquals("esx2", vms.vm("db").orElseThrow().host());
        assertEquals("No migration of VM 'db' runs from this process; migrate:status shows them (recover on the source's process)",
                executeExpectingError("migrate:recover db"));
        assertEquals("--max-postcopy-bandwidth: '-5M' is negative: a size must be positive or zero",
                executeExpectingError("migrate:start --mode postcopy --max-postcopy-bandwidth -5M db esx1"));
        assertEquals("esx2", vms.vm("db").orElseThrow().host());
    }

    @Test
    public void twoVmsExchangeFramesThroughTheirVnicsWithAndWithoutClustering() throws Exception {
        Eventually.await("host esx1", () -> hosts.host("esx1").isPresent());
        execute("vm:create --memory 16M --vcpus 1 --start nic-a esx1");
        execute("vm:create --memory 16M --vcpus 1 --start nic-b esx1");
        Eventually.await("both vNICs", () -> {
            try {
                return execute("net:vnic-list --no-format").contains("nic-b");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(execute("net:vnic-coalesce --off nic-a").contains("nic-a: off"));
        String off = execute("net:traffic --pps 5000 --size 64 --seconds 0.5 nic-a nic-b");
        assertTrue(off, off.contains(" 0 lost, 0 out of order"));
        assertTrue(off, off.contains("doorbells/packet 1.0000"));
        assertTrue(execute("net:vnic-coalesce --tx-frames 32 --tx-usecs 200 nic-a").contains("tx 200 us/32 frames"));
        String on = execute("net:traffic --pps 5000 --size 64 --seconds 0.5 nic-a nic-b");
        assertTrue(on, on.contains(" 0 lost, 0 out of order") && on.contains("latency p50"));
        assertTrue(executeExpectingError("net:traffic nic-a nobody").contains("no vNIC for VM 'nobody'"));
        assertTrue(executeExpectingError("net:vnic-coalesce --rx-frames 0 nic-a").contains("rx-frames must be between 1 and 4096, not 0"));
        String list = execute("net:vnic-list --no-format");
        assertTrue(list, list.contains("nic-a") && list.contains("nic-b"));
        execute("vm:stop nic-a");
        execute("vm:delete nic-a");
        execute("vm:stop nic-b");
        execute("vm:delete nic-b");
    }

    private String executeExpectingError(String command) throws Exception {
        try {
            execute(command);
        } catch (Exception e) {
            return e.getMessage();
        }
        fail(command + " must fail");
        return null;
    }

    private String execute(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, out)) {
            session.execute(command);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The run's metrics file, parsed. */
    private static JsonNode metrics(MigrationReport report) throws IOException {
        return new ObjectMapper().readTree(report.metricsFile().orElseThrow().toFile());
    }
}
