package io.vstack.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.vstack.api.hw.HostRegistry;
import io.vstack.api.memory.AddressSpace;
import io.vstack.api.memory.AddressSpaces;
import io.vstack.api.memory.PageFaultStats;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The memory bundle in the distribution: a VM whose guest memory runs on a demand-paged address
 * space (configured by {@code io.vstack.memory.spaces guestVms}), its faults and space seen through
 * {@code mem:faults} and {@code mem:space-info}, reclaim and fault-back, and {@code mem:prda}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MemoryIT {

    @Inject
    AddressSpaces spaces;

    @Inject
    SessionFactory sessions;

    @Inject
    HostRegistry hosts;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return VstackDistribution.options(editConfigurationFilePut("etc/io.vstack.memory.spaces.cfg", "guestVms", "paged*"));
    }

    @Test
    public void aGuestRunsOnADemandPagedAddressSpace() throws Exception {
        Eventually.await("host esx1", () -> hosts.host("esx1").isPresent());
        Shell.execute(sessions, "vm:create --memory 64M --start paged1 esx1");
        Shell.execute(sessions, "vm:workload --zero-fraction 0.5 --dirty-rate 20M --working-set 16M paged1");
        AddressSpace space = spaces.find(AddressSpaces.guestSpaceName("paged1", "esx1")).orElseThrow();
        long pages = (64L << 20) / 4096;
        Eventually.await("guest faults", () -> space.faultStats().demandFaults() > 0);
        assertTrue("the space holds at most the guest's pages", space.info().residentPages() <= pages);

        String info = Shell.execute(sessions, "mem:space-info --no-format paged1");
        assertTrue(info, info.contains("vm:paged1@esx1") && info.contains("64.0M"));
        String faults = Shell.execute(sessions, "mem:faults paged1");
        assertTrue(faults, faults.contains("Demand") && faults.contains("Fault latency"));

        long swapInsBefore = space.faultStats().swapInFaults();
        String reclaimed = Shell.execute(sessions, "mem:reclaim paged1");
        assertTrue(reclaimed, reclaimed.startsWith("Reclaimed "));
        Eventually.await("the workload faults reclaimed pages back", () -> space.faultStats().swapInFaults() > swapInsBefore);
        PageFaultStats stats = space.faultStats();
        assertEquals(0, stats.unmappedFaults());
        assertTrue(stats.latencyBuckets().stream().mapToLong(Long::longValue).sum() > 0);

        Shell.execute(sessions, "vm:stop paged1");
        assertTrue("a stopped VM's space is destroyed", spaces.find(space.name()).isEmpty());
        Shell.execute(sessions, "vm:delete paged1");
    }

    @Test
    public void prdaRunsContextsOnEveryCpuWithoutAMismatch() throws Exception {
        Eventually.await("host esx1", () -> hosts.host("esx1").isPresent());
        String out = Shell.execute(sessions, "mem:prda --run 200000 --contexts 64 --seed 7 esx1");
        assertTrue(out, out.contains("Ran 200000 operations of 64 contexts on 8 CPUs") && out.contains(" 0 mismatches")
                && out.contains(" 0 sections that changed CPU"));
        String all = Shell.execute(sessions, "mem:prda --no-format");
        assertTrue(all, all.contains("esx2"));
    }

    @Test
    public void badNamesAreOneLineErrors() throws Exception {
        for (String command : new String[] {"mem:faults nosuch", "mem:space-info nosuch", "mem:prda nohost"}) {
            try {
                Shell.execute(sessions, command);
                fail(command + " succeeded");
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("'nosuch'") || e.getMessage().contains("'nohost'"));
                assertFalse(e.getMessage(), e.getMessage().contains("\n") || e.getMessage().contains("Exception"));
            }
        }
    }
}
