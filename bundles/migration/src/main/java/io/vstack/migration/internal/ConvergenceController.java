package io.vstack.migration.internal;

import io.vstack.api.migration.MigrationParams;

/**
 * QEMU's pre-copy convergence logic, as a pure function of time and counters (so a test drives it
 * with a fake clock):
 * <ul>
 * <li>bandwidth is measured in windows of at least 100 ms ({@code BUFFER_DELAY},
 *     {@code migration_update_counters}): bytes sent in the window / the time the run spent
 *     sending in it (or waiting out {@code --max-bandwidth}). Unlike QEMU, which divides by the
 *     window's whole length, time the run spent idle, with nothing dirty to send, does not count:
 *     after the bulk copy of a slowly writing guest, a window is mostly idle, QEMU's figure falls
 *     to the guest's dirty rate, the threshold below the few pages each sync finds, and the run
 *     never completes (QEMU 8.2 added {@code avail-switchover-bandwidth} for that case). A
 *     window with less than {@value #MIN_BUSY_NANOS} ns of sending measures nothing and keeps the
 *     previous figures;</li>
 * <li>switchover threshold = bandwidth × downtime limit (or the configured
 *     {@code avail-switchover-bandwidth} × limit); 0 until the first window closes;</li>
 * <li>the dirty log is synced (exact count) only when the cheap estimate (pages still marked in
 *     the migration bitmap) is at or below the threshold ({@code migration_iteration_run}), or —
 *     with auto-converge — when no sync happened for 5 s ({@code CPU_THROTTLE_DIRTY_SYNC_TIMESLICE_MS});</li>
 * <li>switchover when the exact pending is 0 or below the threshold ({@link #shouldComplete}) —
 *     QEMU's rule, which stops the VM with up to a whole limit's worth of pages still to send.
 *     Beyond QEMU ({@link #shouldSwitchOver}): below the threshold the run keeps sending while
 *     each sync shrinks the pending set, syncing again when what is left falls to the goal
 *     (a twentieth of the threshold), and switches over at the goal, when a sync no longer shrinks
 *     the set, or after {@value #MAX_TIGHTENING_SYNCS} such syncs. The switchover still happens
 *     only below the threshold, so the downtime stays within the limit; an idle or slowly
 *     writing guest stops with only what it dirtied since the last sync;</li>
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
    /** The least sending time a window must hold to measure the bandwidth (1 ms). */
    static final long MIN_BUSY_NANOS = 1_000_000L;
    /** Syncs below the threshold spent shrinking the pending set before the switchover is forced. */
    static final int MAX_TIGHTENING_SYNCS = 8;
    /** The goal of the final set, as a fraction of the threshold: 1 ms of sending at a 20 ms limit. */
    static final int GOAL_DIVISOR = 20;

    private final MigrationParams params;
    private final long limitNanos;
    private long windowStart;
    private long windowStartBytes;
    private long busyNanos;
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
    private int tighteningSyncs;
    private long lastPendingBelowThreshold = -1;
    private String switchoverReason = "";

    ConvergenceController(MigrationParams params, long nowNanos) {
        this.params = params;
        this.limitNanos = params.downtimeLimit().toNanos();
        this.windowStart = nowNanos;
        this.lastSync = nowNanos;
        this.periodStart = nowNanos;
    }

    /** Adds {@code nanos} the run spent sending (or waiting out the rate limit) to the current window. */
    void busy(long nanos) {
        busyNanos += nanos;
    }

    /** Closes the bandwidth window if 100 ms have passed; {@code transferred} is the bytes sent so far. */
    void update(long now, long transferred) {
        long elapsed = now - windowStart;
        if (elapsed < BUFFER_DELAY_NANOS) {
            return;
        }
        if (busyNanos >= MIN_BUSY_NANOS) {
            bandwidthBytesPerSecond = (long) ((transferred - windowStartBytes) * 1e9 / Math.min(busyNanos, elapsed));
        }
        long switchoverBandwidth = params.availSwitchoverBandwidth() > 0 ? params.availSwitchoverBandwidth() : bandwidthBytesPerSecond;
        thresholdBytes = (long) (switchoverBandwidth * (limitNanos / 1e9));
        if (dirtyBytesLastSync >= 0 && switchoverBandwidth > 0 && transferred > 10_000) {
            expectedDowntimeNanos = (long) (dirtyBytesLastSync * 1e9 / switchoverBandwidth);
        }
        windowStart = now;
        windowStartBytes = transferred;
        busyNanos = 0;
    }

    /**
     * Whether to sync the dirty log now, given the estimate of pending bytes: at or below the
     * threshold (QEMU), or at or below the goal once a sync below the threshold chose to go on.
     */
    boolean shouldSync(long now, long pendingEstimateBytes) {
        long trigger = lastPendingBelowThreshold >= 0 ? goalBytes() : thresholdBytes;
        return pendingEstimateBytes <= trigger
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

    /** QEMU's rule: whether the exact pending bytes allow the switchover. */
    boolean shouldComplete(long pendingBytes) {
        return pendingBytes == 0 || pendingBytes < thresholdBytes;
    }

    /**
     * The decision after a sync found {@code pendingBytes} exactly: switch over now, or keep
     * sending. Call once per sync (it remembers the pending set of the syncs below the threshold).
     */
    boolean shouldSwitchOver(long pendingBytes) {
        if (!shouldComplete(pendingBytes)) {
            lastPendingBelowThreshold = -1;
            tighteningSyncs = 0;
            return false;
        }
        boolean stalled = lastPendingBelowThreshold >= 0 && pendingBytes >= lastPendingBelowThreshold;
        if (pendingBytes <= goalBytes() || stalled || tighteningSyncs >= MAX_TIGHTENING_SYNCS) {
            switchoverReason = pendingBytes <= goalBytes() ? "pending at the goal"
                    : stalled ? "pending below threshold, no longer shrinking"
                    : "pending below threshold after " + MAX_TIGHTENING_SYNCS + " tightening syncs";
            return true;
        }
        tighteningSyncs++;
        lastPendingBelowThreshold = pendingBytes;
        return false;
    }

    /** Why {@link #shouldSwitchOver} last said yes. */
    String switchoverReason() {
        return switchoverReason;
    }

    /** The size of final set the run aims at: a twentieth of the threshold. */
    long goalBytes() {
        return thresholdBytes / GOAL_DIVISOR;
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
