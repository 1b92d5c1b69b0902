package io.vstack.migration.internal;

import io.vstack.api.migration.MigrationParams;

/**
 * QEMU's pre-copy convergence logic, as a pure function of time and counters (so a test drives it
 * with a fake clock):
 * <ul>
 * <li>bandwidth is measured in windows of at least 100 ms ({@code BUFFER_DELAY},
 *     {@code migration_update_counters}): bytes sent in the window / its length;</li>
 * <li>switchover threshold = bandwidth × downtime limit (or the configured
 *     {@code avail-switchover-bandwidth} × limit); 0 until the first window closes;</li>
 * <li>the dirty log is synced (exact count) only when the cheap estimate (pages still marked in
 *     the migration bitmap) is at or below the threshold ({@code migration_iteration_run}), or —
 *     with auto-converge — when no sync happened for 5 s ({@code CPU_THROTTLE_DIRTY_SYNC_TIMESLICE_MS});</li>
 * <li>switchover when the exact pending is 0 or below the threshold;</li>
 * <li>expected downtime = bytes found dirty at the last sync / bandwidth;</li>
 * <li>auto-converge ({@code migration_trigger_throttle}): per rate period of at least 1 s, if the
 *     bytes dirtied exceed sent bytes × trigger-threshold %, a strike; at the 2nd strike (then
 *     reset) throttle: first {@code cpu-throttle-initial}, then + {@code cpu-throttle-increment},
 *     capped at {@code max-cpu-throttle}. As in QEMU, a calm period does not reset the strikes.</li>
 * </ul>
 * Not thread-safe: owned by one migration thread.
 */
final class ConvergenceController {

    static final long BUFFER_DELAY_NANOS = 100_000_000L;
    static final long RATE_PERIOD_NANOS = 1_000_000_000L;
    static final long FORCED_SYNC_NANOS = 5_000_000_000L;
    static final int PAGE = 4096;

    private final MigrationParams params;
    private final long limitNanos;
    private long windowStart;
    private long windowStartBytes;
    private long bandwidthBytesPerSecond;
    private long thresholdBytes;
    private long dirtyBytesLastSync = -1;
    private long expectedDowntimeNanos = -1;
    private long lastSync;
    private long periodStart;
    private long periodStartBytes;
    private long periodDirtyPages;
    private long dirtyPagesPerSecond = -1;
    private int highCount;
    private int throttle;

    ConvergenceController(MigrationParams params, long nowNanos) {
        this.params = params;
        this.limitNanos = params.downtimeLimit().toNanos();
        this.windowStart = nowNanos;
        this.lastSync = nowNanos;
        this.periodStart = nowNanos;
    }

    /** Closes the bandwidth window if 100 ms have passed; {@code transferred} is the bytes sent so far. */
    void update(long now, long transferred) {
        long elapsed = now - windowStart;
        if (elapsed < BUFFER_DELAY_NANOS) {
            return;
        }
        bandwidthBytesPerSecond = (long) ((transferred - windowStartBytes) * 1e9 / elapsed);
        long switchoverBandwidth = params.availSwitchoverBandwidth() > 0 ? params.availSwitchoverBandwidth() : bandwidthBytesPerSecond;
        thresholdBytes = (long) (switchoverBandwidth * (limitNanos / 1e9));
        if (dirtyBytesLastSync >= 0 && switchoverBandwidth > 0 && transferred > 10_000) {
            expectedDowntimeNanos = (long) (dirtyBytesLastSync * 1e9 / switchoverBandwidth);
        }
        windowStart = now;
        windowStartBytes = transferred;
    }

    /** Whether to sync the dirty log now, given the estimate of pending bytes. */
    boolean shouldSync(long now, long pendingEstimateBytes) {
        return pendingEstimateBytes <= thresholdBytes
                || (params.autoConverge() && now - lastSync >= FORCED_SYNC_NANOS);
    }

    /**
     * A sync found {@code dirtyPages} pages dirty; {@code transferred} bytes were sent so far.
     *
     * @return the throttle % to apply now (unchanged if no trigger)
     */
    int onSync(long now, long dirtyPages, long transferred) {
        lastSync = now;
        dirtyBytesLastSync = dirtyPages * PAGE;
        periodDirtyPages += dirtyPages;
        long period = now - periodStart;
        if (period >= RATE_PERIOD_NANOS) {
            dirtyPagesPerSecond = (long) (periodDirtyPages * 1e9 / period);
            long dirtied = periodDirtyPages * PAGE;
            long sent = transferred - periodStartBytes;
            if (params.autoConverge() && dirtied > sent * params.throttleTriggerThreshold() / 100) {
                if (++highCount >= 2) {
                    highCount = 0;
                    throttle = throttle == 0 ? params.cpuThrottleInitial()
                            : Math.min(params.maxCpuThrottle(), throttle + params.cpuThrottleIncrement());
                }
            }
            periodStart = now;
            periodStartBytes = transferred;
            periodDirtyPages = 0;
        }
        return throttle;
    }

    /** Whether the exact pending bytes allow the switchover. */
    boolean shouldComplete(long pendingBytes) {
        return pendingBytes == 0 || pendingBytes < thresholdBytes;
    }

    long thresholdBytes() {
        return thresholdBytes;
    }

    long bandwidthBytesPerSecond() {
        return bandwidthBytesPerSecond;
    }

    long expectedDowntimeNanos() {
        return expectedDowntimeNanos;
    }

    long dirtyPagesPerSecond() {
        return dirtyPagesPerSecond;
    }

    int throttle() {
        return throttle;
    }
}
