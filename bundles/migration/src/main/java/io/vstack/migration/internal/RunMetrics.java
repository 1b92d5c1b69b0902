package io.vstack.migration.internal;

import io.vstack.api.migration.MigrationParams;
import io.vstack.api.migration.PostcopyStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The parts of a run's metrics document (section 7 of the reference design) that are plain records of their inputs. */
final class RunMetrics {

    private RunMetrics() {
    }

    /** Where the run ran: JDK, cores, heap. */
    static Map<String, Object> env() {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("jdk", System.getProperty("java.version"));
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        return env;
    }

    static Map<String, Object> params(MigrationParams params) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("mode", params.mode().name());
        p.put("downtimeLimitNanos", params.downtimeLimit().toNanos());
        p.put("maxBandwidth", params.maxBandwidth());
        p.put("maxPostcopyBandwidth", params.maxPostcopyBandwidth());
        p.put("availSwitchoverBandwidth", params.availSwitchoverBandwidth());
        p.put("channels", params.channels());
        p.put("autoConverge", params.autoConverge());
        p.put("throttleTriggerThreshold", params.throttleTriggerThreshold());
        p.put("cpuThrottleInitial", params.cpuThrottleInitial());
        p.put("cpuThrottleIncrement", params.cpuThrottleIncrement());
        p.put("maxCpuThrottle", params.maxCpuThrottle());
        p.put("maxIterations", params.maxIterations());
        p.put("verifyFullMemory", params.verifyFullMemory());
        return p;
    }

    /** One entry per pre-copy iteration (the sends between two dirty syncs). */
    static List<Object> iterations(List<MigrationRun.Iteration> iterations) {
        List<Object> its = new ArrayList<>();
        for (MigrationRun.Iteration it : iterations) {
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("iteration", it.index());
            i.put("dirtyPagesAtSync", it.dirtyPagesAtSync());
            i.put("pagesRaw", it.pagesRaw());
            i.put("pagesZero", it.pagesZero());
            i.put("wireBytes", it.bytes());
            i.put("nanos", it.nanos());
            i.put("bandwidthBytesPerSecond", it.bandwidth());
            i.put("expectedDowntimeNanos", it.expectedDowntimeNanos());
            i.put("thresholdBytes", it.thresholdBytes());
            i.put("throttlePercent", it.throttle());
            its.add(i);
        }
        return its;
    }

    static Map<String, Object> postcopy(PostcopyStats pcs) {
        Map<String, Object> pc = new LinkedHashMap<>();
        pc.put("switched", pcs.switched());
        pc.put("switchedAfterNanos", pcs.switchedAfterNanos());
        pc.put("switchReason", pcs.switchReason());
        pc.put("precopyIterations", pcs.precopyIterations());
        pc.put("faults", pcs.faults());
        pc.put("faultP50Nanos", pcs.faultP50Nanos());
        pc.put("faultP99Nanos", pcs.faultP99Nanos());
        pc.put("faultMaxNanos", pcs.faultMaxNanos());
        pc.put("pagesRequested", pcs.pagesRequested());
        pc.put("pagesPushed", pcs.pagesPushed());
        pc.put("recoveries", pcs.recoveries());
        return pc;
    }
}
