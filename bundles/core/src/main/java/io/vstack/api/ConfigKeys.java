package io.vstack.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import io.vstack.api.storage.StoreSpec;

/**
 * Reads the values of a component's configuration keys the same way everywhere: a bad value is
 * refused with one line that names the PID and the key ({@code io.vstack.storage.san: key
 * 'capacity': '12X' is not a size ...}), so the user knows what to fix in which {@code .cfg} file.
 */
public final class ConfigKeys {

    private ConfigKeys() {
    }

    /**
     * Runs {@code parser} on key {@code key}'s value and prefixes its refusal with the PID and key.
     *
     * @throws IllegalArgumentException {@code "<pid>: key '<key>': <reason>"}
     */
    public static <T> T parse(String pid, String key, Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(pid + ": key '" + key + "': " + e.getMessage(), e);
        }
    }

    /** A size in bytes ({@link ByteSize}); zero only if {@code zeroAllowed}. */
    public static long size(String pid, String key, String text, boolean zeroAllowed) {
        return parse(pid, key, () -> {
            long bytes = ByteSize.parse(text).bytes();
            if (bytes == 0 && !zeroAllowed) {
                throw new IllegalArgumentException("must be positive");
            }
            return bytes;
        });
    }

    /** A non-negative duration ({@link Durations}). */
    public static Duration duration(String pid, String key, String text) {
        return parse(pid, key, () -> Durations.parse(text));
    }

    /** A name made of letters, digits and {@code . _ -} (as store and disk ids are). */
    public static String name(String pid, String key, String text) {
        return parse(pid, key, () -> {
            StoreSpec.requireValidName(key, text);
            return text;
        });
    }

    /**
     * The directory a component keeps its state in: {@code configured} if it is not blank, else
     * {@code <karafData>/<segments...>}, or {@code <bundleData>/<segments...>} outside Karaf
     * (when the {@code karaf.data} property is null).
     */
    public static Path dataDirectory(String configured, String karafData, Path bundleData, String... segments) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.trim());
        }
        Path dir = karafData != null ? Path.of(karafData) : bundleData;
        for (String segment : segments) {
            dir = dir.resolve(segment);
        }
        return dir;
    }
}
