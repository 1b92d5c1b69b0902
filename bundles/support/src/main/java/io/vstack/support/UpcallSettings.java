package io.vstack.support;

import io.vstack.api.Durations;
import io.vstack.api.UserText;
import io.vstack.api.filter.UpcallGateway;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An attachment's upcall settings: the framework's attach-time keys of {@link UpcallGateway}
 * (deadline, threads, queue, fail or bypass), taken out of the configuration a filter is given.
 *
 * @param timeout how long the I/O thread waits for one upcall
 * @param threads upcall threads of the filter on the disk
 * @param queue   upcalls that may wait for a thread
 * @param bypass  a failed upcall lets the request pass on below the filter instead of failing it
 */
public record UpcallSettings(Duration timeout, int threads, int queue, boolean bypass) {

    public static final int DEFAULT_THREADS = 2;
    public static final int MAX_THREADS = 64;
    public static final int DEFAULT_QUEUE = 1024;
    public static final int MAX_QUEUE = 65536;

    /**
     * Reads the upcall keys of an attachment's configuration.
     *
     * @param filterTimeout the disk manager's filter timeout: the default and the most {@code upcallTimeout} may be
     * @throws IllegalArgumentException naming the key whose value is wrong
     */
    public static UpcallSettings parse(Map<String, String> config, Duration filterTimeout) {
        Duration timeout = filterTimeout;
        String text = config.get(UpcallGateway.TIMEOUT_KEY);
        if (text != null) {
            try {
                timeout = Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(UpcallGateway.TIMEOUT_KEY + ": " + e.getMessage(), e);
            }
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException(UpcallGateway.TIMEOUT_KEY + " must be more than 0, not " + UserText.quote(text));
            }
            if (timeout.compareTo(filterTimeout) > 0) {
                throw new IllegalArgumentException(UpcallGateway.TIMEOUT_KEY + " " + text + " must not exceed filterTimeout "
                        + Durations.format(filterTimeout) + " (the watchdog would time the request out first)");
            }
        }
        int threads = integer(config, UpcallGateway.THREADS_KEY, DEFAULT_THREADS, MAX_THREADS);
        int queue = integer(config, UpcallGateway.QUEUE_KEY, DEFAULT_QUEUE, MAX_QUEUE);
        String policy = config.getOrDefault(UpcallGateway.ON_FAILURE_KEY, "fail").trim().toLowerCase(Locale.ROOT);
        if (!policy.equals("fail") && !policy.equals("bypass")) {
            throw new IllegalArgumentException(UpcallGateway.ON_FAILURE_KEY + " must be fail or bypass, not "
                    + UserText.quote(config.get(UpcallGateway.ON_FAILURE_KEY)));
        }
        return new UpcallSettings(timeout, threads, queue, policy.equals("bypass"));
    }

    /** The configuration without the framework's upcall keys: what the filter is given. */
    public static Map<String, String> filterConfig(Map<String, String> config) {
        Map<String, String> rest = new HashMap<>(config);
        rest.remove(UpcallGateway.TIMEOUT_KEY);
        rest.remove(UpcallGateway.THREADS_KEY);
        rest.remove(UpcallGateway.QUEUE_KEY);
        rest.remove(UpcallGateway.ON_FAILURE_KEY);
        return Map.copyOf(rest);
    }

    private static int integer(Map<String, String> config, String key, int defaultValue, int max) {
        String text = config.get(key);
        if (text == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number from 1 to " + max + ", not " + UserText.quote(text), e);
        }
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(key + " must be from 1 to " + max + ", not " + value);
        }
        return value;
    }
}
