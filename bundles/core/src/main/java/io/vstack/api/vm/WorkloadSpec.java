package io.vstack.api.vm;

import java.time.Duration;
import java.util.Objects;

/**
 * What a VM's guest does: its vCPUs write memory at a rate, over a working set, in a pattern.
 * <p>The dirty rate counts <em>pages dirtied</em> (one write = one page of {@code pageSize} bytes
 * of dirty memory, whatever its {@code writeSize}), as QEMU's dirty rate does; so
 * {@code 100M} means 25 600 page writes per second with 4 KiB pages. It is shared evenly by the
 * vCPUs, each pacing itself with a token bucket. Every write stores a 64-bit sequence number
 * (vCPU in the top byte), so a stale page is detectable.
 *
 * @param dirtyRateBytesPerSecond dirty memory per second, at most {@link #MAX_DIRTY_RATE}; 0 = idle (only the heartbeat)
 * @param workingSetBytes         bytes of memory written, from the first page after the heartbeat
 *                                page; capped at the VM's touched memory
 * @param pattern                 which working-set pages are written
 * @param zipfExponent            the exponent s of {@link WorkloadPattern#ZIPF} (0 &lt; s &le; 4)
 * @param writeSize               bytes per write: a multiple of 8 from 8 to 4096
 * @param zeroFraction            fraction of guest memory (at its end) never touched: it stays
 *                                zero, as untouched guest memory does (0 &le; f &lt; 1)
 * @param heartbeat               how often vCPU 0 writes the heartbeat page (time + counter), from
 *                                which the guest-observed downtime is measured; 0 = no heartbeat
 */
public record WorkloadSpec(long dirtyRateBytesPerSecond, long workingSetBytes, WorkloadPattern pattern,
                           double zipfExponent, int writeSize, double zeroFraction, Duration heartbeat) {

    /** The highest dirty rate, 1 TiB of pages per second: far beyond what the simulated vCPUs can write. */
    public static final long MAX_DIRTY_RATE = 1L << 40;

    /** The default heartbeat period, 1 ms. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofMillis(1);

    /**
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public WorkloadSpec {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (dirtyRateBytesPerSecond < 0 || dirtyRateBytesPerSecond > MAX_DIRTY_RATE) {
            throw new IllegalArgumentException("dirty rate " + dirtyRateBytesPerSecond + " B/s must be from 0 to 1T per second "
                    + "(more than a simulated guest can write)");
        }
        if (workingSetBytes < 0) {
            throw new IllegalArgumentException("working set must not be negative: " + workingSetBytes);
        }
        if (!(zipfExponent > 0 && zipfExponent <= 4)) {
            throw new IllegalArgumentException("zipf exponent " + zipfExponent + " must be in (0, 4]");
        }
        if (writeSize < 8 || writeSize > 4096 || writeSize % 8 != 0) {
            throw new IllegalArgumentException("write size " + writeSize + " must be a multiple of 8 from 8 to 4096");
        }
        if (!(zeroFraction >= 0 && zeroFraction < 1)) {
            throw new IllegalArgumentException("zero fraction " + zeroFraction + " must be in [0, 1)");
        }
        if (heartbeat.isNegative()) {
            throw new IllegalArgumentException("heartbeat must not be negative: " + heartbeat);
        }
    }

    /** An idle guest: no writes but the 1 ms heartbeat, all memory touched. */
    public static WorkloadSpec idle() {
        return new WorkloadSpec(0, 0, WorkloadPattern.UNIFORM, 0.99, 8, 0, DEFAULT_HEARTBEAT);
    }

    /** This workload with another dirty rate and working set. */
    public WorkloadSpec withRate(long bytesPerSecond, long workingSet) {
        return new WorkloadSpec(bytesPerSecond, workingSet, pattern, zipfExponent, writeSize, zeroFraction, heartbeat);
    }
}
