package io.vstack.vm.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.Durations;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.WorkloadSpec;
import java.time.Duration;
import java.util.Locale;

/** How vm: commands print things. */
final class VmFormat {

    private VmFormat() {
    }

    static String workload(WorkloadSpec w) {
        if (w.dirtyRateBytesPerSecond() == 0) {
            return "idle";
        }
        return ByteSize.ofBytes(w.dirtyRateBytesPerSecond()).toHumanString() + "/s over "
                + (w.workingSetBytes() == 0 ? "all" : ByteSize.ofBytes(w.workingSetBytes()).toHumanString()) + " "
                + w.pattern().name().toLowerCase(Locale.ROOT) + " " + w.writeSize() + "B";
    }

    static String nanos(long nanos) {
        return nanos < 0 ? "-" : Durations.format(Duration.ofNanos(nanos));
    }

    static String state(VmInfo vm) {
        return vm.state().name().toLowerCase(Locale.ROOT);
    }
}
