package io.vstack.pods.internal;

import io.vstack.api.ByteSize;
import io.vstack.api.hw.Host;
import io.vstack.api.pod.PodSpec;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Places pods on hosts by free CPU and memory: a host's capacity is 1,000 millicores per CPU and
 * its physical memory; what is free is the capacity less the requests of the pods placed on it.
 * Among the hosts that fit, the one with the most free memory wins (spreading), ties by name.
 */
final class Scheduler {

    /** A decision: the host, or empty with the reason nothing fits. */
    record Placement(String host, String reason) {
        boolean placed() {
            return !host.isEmpty();
        }
    }

    /** What is placed on a host already. */
    record Placed(String host, long cpuMillis, long memoryBytes) {
    }

    private Scheduler() {
    }

    static Placement place(PodSpec spec, List<Host> hosts, Collection<Placed> placed) {
        Map<String, long[]> used = new HashMap<>();
        for (Placed p : placed) {
            long[] u = used.computeIfAbsent(p.host(), h -> new long[2]);
            u[0] += p.cpuMillis();
            u[1] += p.memoryBytes();
        }
        String best = "";
        long bestMemory = -1;
        String roomiest = "";
        long roomiestCpu = 0;
        long roomiestMemory = -1;
        for (Host host : hosts) {
            long[] u = used.getOrDefault(host.name(), new long[2]);
            long freeCpu = cpuMillis(host) - u[0];
            long freeMemory = memoryBytes(host) - u[1];
            if (freeMemory > roomiestMemory) {
                roomiest = host.name();
                roomiestCpu = freeCpu;
                roomiestMemory = freeMemory;
            }
            if (freeCpu >= spec.cpuMillis() && freeMemory >= spec.memoryBytes() && freeMemory > bestMemory) {
                best = host.name();
                bestMemory = freeMemory;
            }
        }
        if (!best.isEmpty()) {
            return new Placement(best, "");
        }
        String most = roomiest.isEmpty() ? "no hosts" : "most free: " + roomiest + " " + Math.max(0, roomiestCpu)
                + "m CPU, " + ByteSize.ofBytes(Math.max(0, roomiestMemory)).toHumanString();
        return new Placement("", "no host has " + spec.cpuMillis() + "m CPU and "
                + ByteSize.ofBytes(spec.memoryBytes()).toHumanString() + " free (" + most + ")");
    }

    static long cpuMillis(Host host) {
        return host.cpus().size() * 1000L;
    }

    static long memoryBytes(Host host) {
        return host.memory().totalFrames() * host.memory().frameSize();
    }
}
