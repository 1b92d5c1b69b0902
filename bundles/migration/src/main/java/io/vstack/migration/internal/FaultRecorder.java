package io.vstack.migration.internal;

import java.util.Arrays;

/**
 * Post-copy fault latencies at the destination: when a vCPU's request for a page went out
 * ({@link #requested}) and when that page was put in place ({@link #placed}); percentiles are exact
 * (every sample is kept: at most one fault per page). Thread-safe: vCPUs request, one receiving
 * thread places.
 */
final class FaultRecorder {

    private final long[] requestedAt;
    private long[] samples = new long[1024];
    private int count;
    private volatile int outstanding;

    FaultRecorder(int pages) {
        this.requestedAt = new long[pages];
    }

    /** A vCPU asked for {@code pfn} now (the first time; a resend after recovery keeps the first time). */
    synchronized void requested(long pfn, long nanos) {
        if (requestedAt[(int) pfn] == 0) {
            requestedAt[(int) pfn] = nanos;
            outstanding++;
        }
    }

    /** Page {@code pfn} arrived now; records the latency if a vCPU was waiting for it. */
    synchronized void placed(long pfn, long nanos) {
        long t = requestedAt[(int) pfn];
        if (t == 0) {
            return;
        }
        requestedAt[(int) pfn] = 0;
        outstanding--;
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = Math.max(0, nanos - t);
    }

    /** Requested pages not in place yet (vCPUs are waiting for them). Any thread, without locking. */
    int outstanding() {
        return outstanding;
    }

    /** Pages it can record. */
    int size() {
        return requestedAt.length;
    }

    synchronized long faults() {
        return count;
    }

    /** The {@code p}-th percentile (0 < p ≤ 100, nearest rank), -1 without samples. */
    synchronized long percentile(double p) {
        if (count == 0) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * count);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))];
    }

    synchronized long max() {
        long m = -1;
        for (int i = 0; i < count; i++) {
            m = Math.max(m, samples[i]);
        }
        return m;
    }
}
