package io.vstack.vm.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.Durations;
import io.vstack.api.UserText;
import io.vstack.api.vm.VmException;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmService;
import io.vstack.api.vm.WorkloadPattern;
import io.vstack.api.vm.WorkloadSpec;
import java.time.Duration;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code vm:workload}: sets what a VM's guest does; options not given keep their value. */
@Service
@Command(scope = "vm", name = "workload", description = "Sets the guest workload of a VM (options not given keep their value)")
public class VmWorkloadCommand implements Action {

    @Reference
    VmService vms;

    @Option(name = "--dirty-rate", description = "Dirty memory per second, e.g. 100M (0 = idle); one write dirties one page")
    String dirtyRate;

    @Option(name = "--working-set", description = "Bytes written, e.g. 64M (0 = all touched memory)")
    String workingSet;

    @Option(name = "--pattern", description = "uniform, zipf or sequential")

    @Completion(value = StringsCompleter.class, values = {"uniform", "zipf", "sequential"})
    String pattern;

    @Option(name = "--zipf", description = "Zipf exponent s (0 < s <= 4)")
    Double zipf;

    @Option(name = "--write-size", description = "Bytes per write, a multiple of 8 from 8 to 4096")
    String writeSize;

    @Option(name = "--zero-fraction", description = "Fraction of memory never touched (stays zero), 0 <= f < 1")
    Double zeroFraction;

    @Option(name = "--heartbeat", description = "Heartbeat period of vCPU 0, e.g. 1ms (0 = none)")
    String heartbeat;

    @Argument(index = 0, name = "vm", required = true, description = "The VM")
    @Completion(VmCompleter.class)
    String vm;

    @Override
    public Object execute() throws Exception {
        VmInfo info = vms.vm(vm).orElseThrow(() -> new VmException("No VM named " + UserText.quote(vm) + "; vm:list shows the VMs"));
        WorkloadSpec w = info.spec().workload();
        long rate = dirtyRate == null ? w.dirtyRateBytesPerSecond() : ByteSize.parse(dirtyRate).bytes();
        long ws = workingSet == null ? w.workingSetBytes() : ByteSize.parse(workingSet).bytes();
        WorkloadPattern p = pattern == null ? w.pattern() : pattern(pattern);
        int size = writeSize == null ? w.writeSize() : (int) Math.min(Integer.MAX_VALUE, ByteSize.parse(writeSize).bytes());
        Duration beat = heartbeat == null ? w.heartbeat() : Durations.parse(heartbeat);
        WorkloadSpec next = new WorkloadSpec(rate, ws, p, zipf == null ? w.zipfExponent() : zipf, size,
                zeroFraction == null ? w.zeroFraction() : zeroFraction, beat);
        VmInfo updated = vms.setWorkload(vm, next);
        System.out.println("VM " + updated.id() + " workload: " + VmFormat.workload(updated.spec().workload()));
        return null;
    }

    private static WorkloadPattern pattern(String text) {
        try {
            return WorkloadPattern.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--pattern '" + text + "' must be uniform, zipf or sequential");
        }
    }
}
