package io.vstack.vm.internal;

import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.WorkloadPattern;
import io.vstack.api.vm.WorkloadSpec;

/**
 * A {@link WorkloadSpec} laid over one VM's memory: page 0 is the heartbeat page, the working set
 * is pages [1, 1 + workingSetPages), the last {@code zeroFraction} of memory is never touched.
 * Immutable; shared by the vCPUs.
 */
final class WorkloadPlan {

    static final long HEARTBEAT_PFN = 0;

    final WorkloadSpec spec;
    final long touchedPages;
    final long workingSetPages;
    final double pagesPerSecondPerVcpu;
    final long heartbeatNanos;
    private final double[] zipfCdf;

    WorkloadPlan(WorkloadSpec spec, long pages, int vcpus) {
        this.spec = spec;
        this.touchedPages = Math.max(1, pages - (long) Math.floor(pages * spec.zeroFraction()));
        long wanted = spec.workingSetBytes() / VmSpec.PAGE_SIZE;
        long available = touchedPages - 1;
        this.workingSetPages = wanted == 0 || wanted > available ? available : wanted;
        this.pagesPerSecondPerVcpu = workingSetPages == 0 ? 0
                : (double) spec.dirtyRateBytesPerSecond() / VmSpec.PAGE_SIZE / vcpus;
        this.heartbeatNanos = spec.heartbeat().toNanos();
        this.zipfCdf = spec.pattern() == WorkloadPattern.ZIPF && workingSetPages > 0
                ? zipfCdf(workingSetPages, spec.zipfExponent()) : null;
    }

    private static double[] zipfCdf(long n, double s) {
        double[] cdf = new double[(int) n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1 / Math.pow(k + 1, s);
            cdf[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            cdf[k] /= sum;
        }
        return cdf;
    }

    /** The page of the next write, given the vCPU's random draw and cursor. */
    long pickPage(double uniform, long cursor) {
        return 1 + switch (spec.pattern()) {
            case UNIFORM -> Math.min(workingSetPages - 1, (long) (uniform * workingSetPages));
            case SEQUENTIAL -> Math.floorMod(cursor, workingSetPages);
            case ZIPF -> zipfRank(uniform);
        };
    }

    private long zipfRank(double u) {
        int lo = 0;
        int hi = zipfCdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (zipfCdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
