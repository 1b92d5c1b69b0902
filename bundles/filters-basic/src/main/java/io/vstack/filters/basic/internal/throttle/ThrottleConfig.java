package io.vstack.filters.basic.internal.throttle;

import io.vstack.api.ByteSize;
import io.vstack.api.Durations;
import io.vstack.filters.basic.internal.FilterConfigs;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A throttle's attach configuration: {@code iops} (operations per second), {@code bandwidth}
 * (bytes per second, binary multiples: {@code 50M} = 50 MiB/s) and {@code burst} (idle credit as
 * a duration of the rate, default {@code 10ms}). At least one of {@code iops} and
 * {@code bandwidth} is required.
 *
 * @param iops       operations per second; 0 = not limited
 * @param bandwidth  bytes per second; 0 = not limited
 * @param burst      idle credit
 */
public record ThrottleConfig(long iops, long bandwidth, Duration burst) {

    /** The default burst, 10 ms. */
    public static final Duration DEFAULT_BURST = Duration.ofMillis(10);

    /**
     * Parses and checks a configuration.
     *
     * @throws IllegalArgumentException one line naming the key that is wrong
     */
    public static ThrottleConfig parse(Map<String, String> config) {
        FilterConfigs.requireKnownKeys("throttle", config, Set.of("iops", "bandwidth", "burst"));
        long iops = 0;
        long bandwidth = 0;
        Duration burst = DEFAULT_BURST;
        String text = config.get("iops");
        if (text != null) {
            try {
                iops = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                iops = -1;
            }
            if (iops <= 0) {
                throw new IllegalArgumentException("throttle: iops '" + text + "' must be a positive whole number of operations per second");
            }
        }
        text = config.get("bandwidth");
        if (text != null) {
            try {
                bandwidth = ByteSize.parse(text).bytes();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("throttle: bandwidth '" + text + "' must be bytes per second like 50M", e);
            }
            if (bandwidth <= 0) {
                throw new IllegalArgumentException("throttle: bandwidth '" + text + "' must be positive");
            }
        }
        text = config.get("burst");
        if (text != null) {
            try {
                burst = Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("throttle: burst '" + text + "' must be a duration like 10ms", e);
            }
        }
        if (iops == 0 && bandwidth == 0) {
            throw new IllegalArgumentException("throttle: needs iops=<ops per second> or bandwidth=<bytes per second>, or both");
        }
        return new ThrottleConfig(iops, bandwidth, burst);
    }
}
