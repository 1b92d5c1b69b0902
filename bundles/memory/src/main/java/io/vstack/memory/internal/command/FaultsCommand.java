package io.vstack.memory.internal.command;

import io.vstack.api.memory.AddressSpace;
import io.vstack.api.memory.AddressSpaces;
import io.vstack.api.memory.PageFaultStats;
import java.io.PrintStream;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code mem:faults <vm>}: page-fault counts and the latency histogram of a VM's (or space's) faults. */
@Service
@Command(scope = "mem", name = "faults", description = "Shows page-fault counts (demand, swap-in, protection, unmapped)"
        + " and the fault latency histogram of a VM's guest memory space")
public class FaultsCommand implements Action {

    @Reference
    AddressSpaces spaces;

    @Argument(index = 0, name = "vm", description = "A VM running on an address space, or an address space", required = true)
    @Completion(SpaceCompleter.class)
    String name;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        PrintStream out = System.out;
        List<AddressSpace> found = Spaces.require(spaces, name);
        ShellTable counts = new ShellTable();
        counts.column("Space");
        counts.column("Demand").alignRight();
        counts.column("Swap-in").alignRight();
        counts.column("Protection").alignRight();
        counts.column("Unmapped").alignRight();
        counts.column("Reclaimed").alignRight();
        for (AddressSpace space : found) {
            PageFaultStats s = space.faultStats();
            counts.addRow().addContent(space.name(), s.demandFaults(), s.swapInFaults(), s.protectionFaults(),
                    s.unmappedFaults(), s.reclaimedPages());
        }
        counts.print(out, !noFormat);
        for (AddressSpace space : found) {
            List<Long> buckets = space.faultStats().latencyBuckets();
            ShellTable histogram = new ShellTable().emptyTableText("No fault timed yet");
            histogram.column("Fault latency (" + space.name() + ", 1 in " + PageFaultStats.TIMING_SAMPLE + " timed)");
            histogram.column("Faults").alignRight();
            for (int i = 0; i < buckets.size(); i++) {
                if (buckets.get(i) > 0) {
                    histogram.addRow().addContent(range(i), buckets.get(i));
                }
            }
            out.println();
            histogram.print(out, !noFormat);
        }
        return null;
    }

    /** Bucket {@code i}'s range: [2^i, 2^(i+1)) ns, in the unit that reads best. */
    static String range(int i) {
        return (i == 0 ? "0" : nanos(1L << i)) + " - " + nanos(1L << (i + 1));
    }

    private static String nanos(long ns) {
        if (ns < 1_000) {
            return ns + " ns";
        }
        if (ns < 1_000_000) {
            return (ns / 1_000) + "." + (ns % 1_000 / 100) + " us";
        }
        return (ns / 1_000_000) + "." + (ns % 1_000_000 / 100_000) + " ms";
    }
}
