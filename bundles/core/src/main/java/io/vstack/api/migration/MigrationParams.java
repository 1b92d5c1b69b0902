package io.vstack.api.migration;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of one migration, with QEMU's parameter names ({@code migrate-set-parameters}).
 * Our defaults ({@link #defaults()}) differ from QEMU's where the simulated datacenter calls
 * for it; QEMU's are in each field's description.
 *
 * @param mode                       {@link MigrationMode}; QEMU: pre-copy unless post-copy is requested
 * @param downtimeLimit              largest acceptable stop time ({@code downtime-limit}); ours 20 ms, QEMU 300 ms
 * @param maxBandwidth               bytes/s cap of the pre-copy stream, 0 = none ({@code max-bandwidth}); ours 0,
 *                                   QEMU 128 MiB/s
 * @param maxPostcopyBandwidth       bytes/s cap of the post-copy background push, 0 = none
 *                                   ({@code max-postcopy-bandwidth}); ours and QEMU 0. Requested pages are never
 *                                   held back: a cap leaves the wire and the processors to them, so each fault is
 *                                   served sooner, but the guest faults more often (docs/BENCHMARKS.md)
 * @param availSwitchoverBandwidth   bytes/s to assume at switchover, 0 = measured
 *                                   ({@code avail-switchover-bandwidth}); ours and QEMU 0
 * @param channels                   extra page channels beside the main one ({@code multifd-channels});
 *                                   ours 0 (main channel only), QEMU 2 when multifd is on (off by default)
 * @param autoConverge               throttle vCPUs when dirtying outruns sending ({@code auto-converge});
 *                                   ours on, QEMU off
 * @param throttleTriggerThreshold   % of sent bytes that dirtied bytes must exceed, twice, to throttle;
 *                                   ours and QEMU 50
 * @param cpuThrottleInitial         first throttle %; ours and QEMU 20
 * @param cpuThrottleIncrement       added per further trigger; ours and QEMU 10
 * @param maxCpuThrottle             throttle cap %; ours and QEMU 99
 * @param maxIterations              dirty syncs after which the switchover is forced, 0 = never
 *                                   (QEMU has no cap: 0)
 * @param verifyFullMemory           the digest both sides compare covers every page read from memory at
 *                                   switchover (true; catches a lost dirty page, costs downtime: a pass over
 *                                   memory) or the checksums of the pages as sent and as applied (false;
 *                                   catches wire and apply errors at no downtime); ours false, QEMU verifies
 *                                   nothing
 */
public record MigrationParams(MigrationMode mode, Duration downtimeLimit, long maxBandwidth, long maxPostcopyBandwidth,
                              long availSwitchoverBandwidth, int channels, boolean autoConverge,
                              int throttleTriggerThreshold, int cpuThrottleInitial, int cpuThrottleIncrement,
                              int maxCpuThrottle, int maxIterations, boolean verifyFullMemory) {

    /** Our default downtime limit, 20 ms (QEMU: 300 ms). */
    public static final Duration DEFAULT_DOWNTIME_LIMIT = Duration.ofMillis(20);
    /** QEMU's default downtime limit, 300 ms. */
    public static final Duration QEMU_DOWNTIME_LIMIT = Duration.ofMillis(300);
    /** QEMU's default bandwidth cap, 128 MiB/s ({@code MAX_THROTTLE}). */
    public static final long QEMU_MAX_BANDWIDTH = 128L << 20;
    /** Most extra channels. */
    public static final int MAX_CHANNELS = 16;

    /**
     * @throws IllegalArgumentException naming the parameter that is out of range
     */
    public MigrationParams {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(downtimeLimit, "downtimeLimit");
        if (downtimeLimit.isNegative() || downtimeLimit.isZero() || downtimeLimit.toMillis() > 2_000_000) {
            throw new IllegalArgumentException("downtime-limit " + downtimeLimit.toMillis() + "ms must be from 1ms to 2000s");
        }
        if (maxBandwidth < 0) {
            throw new IllegalArgumentException("max-bandwidth must not be negative: " + maxBandwidth);
        }
        if (maxPostcopyBandwidth < 0) {
            throw new IllegalArgumentException("max-postcopy-bandwidth must not be negative: " + maxPostcopyBandwidth);
        }
        if (availSwitchoverBandwidth < 0) {
            throw new IllegalArgumentException("avail-switchover-bandwidth must not be negative: " + availSwitchoverBandwidth);
        }
        if (channels < 0 || channels > MAX_CHANNELS) {
            throw new IllegalArgumentException("channels " + channels + " must be from 0 to " + MAX_CHANNELS);
        }
        if (throttleTriggerThreshold < 1 || throttleTriggerThreshold > 100) {
            throw new IllegalArgumentException("throttle-trigger-threshold " + throttleTriggerThreshold + " must be from 1 to 100");
        }
        if (cpuThrottleInitial < 1 || cpuThrottleInitial > 99) {
            throw new IllegalArgumentException("cpu-throttle-initial " + cpuThrottleInitial + " must be from 1 to 99");
        }
        if (cpuThrottleIncrement < 1 || cpuThrottleIncrement > 99) {
            throw new IllegalArgumentException("cpu-throttle-increment " + cpuThrottleIncrement + " must be from 1 to 99");
        }
        if (maxCpuThrottle < 1 || maxCpuThrottle > 99) {
            throw new IllegalArgumentException("max-cpu-throttle " + maxCpuThrottle + " must be from 1 to 99");
        }
        if (maxIterations < 0) {
            throw new IllegalArgumentException("max-iterations must not be negative: " + maxIterations);
        }
    }

    /**
     * The parameters without a post-copy cap ({@code maxPostcopyBandwidth} 0), as before that
     * parameter existed (API 1.1).
     *
     * @throws IllegalArgumentException naming the parameter that is out of range
     */
    public MigrationParams(MigrationMode mode, Duration downtimeLimit, long maxBandwidth, long availSwitchoverBandwidth,
                           int channels, boolean autoConverge, int throttleTriggerThreshold, int cpuThrottleInitial,
                           int cpuThrottleIncrement, int maxCpuThrottle, int maxIterations, boolean verifyFullMemory) {
        this(mode, downtimeLimit, maxBandwidth, 0, availSwitchoverBandwidth, channels, autoConverge, throttleTriggerThreshold,
                cpuThrottleInitial, cpuThrottleIncrement, maxCpuThrottle, maxIterations, verifyFullMemory);
    }

    /**
     * Our defaults: pre-copy, 20 ms, no cap, main channel only, auto-converge on, the digest of the
     * pages as sent (full-memory verification re-reads all memory inside the downtime).
     */
    public static MigrationParams defaults() {
        return new MigrationParams(MigrationMode.PRECOPY, DEFAULT_DOWNTIME_LIMIT, 0, 0, 0, 0, true, 50, 20, 10, 99, 0, false);
    }

    /** QEMU's defaults: pre-copy, 300 ms, 128 MiB/s, no multifd, no auto-converge, no verification. */
    public static MigrationParams qemuDefaults() {
        return new MigrationParams(MigrationMode.PRECOPY, QEMU_DOWNTIME_LIMIT, QEMU_MAX_BANDWIDTH, 0, 0, 0, false, 50, 20, 10, 99,
                0, false);
    }

    /** These parameters with another mode. */
    public MigrationParams withMode(MigrationMode other) {
        return new MigrationParams(other, downtimeLimit, maxBandwidth, maxPostcopyBandwidth, availSwitchoverBandwidth, channels,
                autoConverge, throttleTriggerThreshold, cpuThrottleInitial, cpuThrottleIncrement, maxCpuThrottle, maxIterations,
                verifyFullMemory);
    }

    /** These parameters with another downtime limit. */
    public MigrationParams withDowntimeLimit(Duration other) {
        return new MigrationParams(mode, other, maxBandwidth, maxPostcopyBandwidth, availSwitchoverBandwidth, channels,
                autoConverge, throttleTriggerThreshold, cpuThrottleInitial, cpuThrottleIncrement, maxCpuThrottle, maxIterations,
                verifyFullMemory);
    }

    /** These parameters with another number of extra channels. */
    public MigrationParams withChannels(int other) {
        return new MigrationParams(mode, downtimeLimit, maxBandwidth, maxPostcopyBandwidth, availSwitchoverBandwidth, other,
                autoConverge, throttleTriggerThreshold, cpuThrottleInitial, cpuThrottleIncrement, maxCpuThrottle, maxIterations,
                verifyFullMemory);
    }

    /** These parameters with another cap of the pre-copy stream (bytes/s, 0 = none). */
    public MigrationParams withMaxBandwidth(long other) {
        return new MigrationParams(mode, downtimeLimit, other, maxPostcopyBandwidth, availSwitchoverBandwidth, channels,
                autoConverge, throttleTriggerThreshold, cpuThrottleInitial, cpuThrottleIncrement, maxCpuThrottle, maxIterations,
                verifyFullMemory);
    }

    /** These parameters with another cap of the post-copy push (bytes/s, 0 = none). */
    public MigrationParams withMaxPostcopyBandwidth(long other) {
        return new MigrationParams(mode, downtimeLimit, maxBandwidth, other, availSwitchoverBandwidth, channels,
                autoConverge, throttleTriggerThreshold, cpuThrottleInitial, cpuThrottleIncrement, maxCpuThrottle, maxIterations,
                verifyFullMemory);
    }

    /** These parameters with another iteration cap (0 = none). */
    public MigrationParams withMaxIterations(int other) {
        return new MigrationParams(mode, downtimeLimit, maxBandwidth, maxPostcopyBandwidth, availSwitchoverBandwidth, channels,
                autoConverge, throttleTriggerThreshold, cpuThrottleInitial, cpuThrottleIncrement, maxCpuThrottle, other,
                verifyFullMemory);
    }

    /** These parameters with auto-converge on or off. */
    public MigrationParams withAutoConverge(boolean other) {
        return new MigrationParams(mode, downtimeLimit, maxBandwidth, maxPostcopyBandwidth, availSwitchoverBandwidth, channels,
                other, throttleTriggerThreshold, cpuThrottleInitial, cpuThrottleIncrement, maxCpuThrottle, maxIterations,
                verifyFullMemory);
    }

    /** These parameters with full-memory verification on or off. */
    public MigrationParams withVerifyFullMemory(boolean other) {
        return new MigrationParams(mode, downtimeLimit, maxBandwidth, maxPostcopyBandwidth, availSwitchoverBandwidth, channels,
                autoConverge, throttleTriggerThreshold, cpuThrottleInitial, cpuThrottleIncrement, maxCpuThrottle, maxIterations,
                other);
    }
}
