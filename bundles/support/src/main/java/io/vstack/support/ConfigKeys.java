package io.vstack.support;

import io.vstack.api.ByteSize;
import io.vstack.api.Durations;
import io.vstack.api.UserText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import io.vstack.api.storage.StoreSpec;

/**
 * Reads the values of a component's configuration keys the same way everywhere: a bad value is
 * refused with one line that names the PID and the key ({@code io.vstack.storage.san: key
 * 'capacity': '12X' is not a size ...}), so the user knows what to fix in which {@code .cfg} file.
 * {@link ConfigGuard} turns such a refusal into one log line and keeps the component running.
 */
public final class ConfigKeys {

    /** Pseudo file systems no configured directory may lie in. */
    private static final List<Path> SYSTEM_TREES = List.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"));

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

    /**
     * A whole number from {@code min} to {@code max}; the text form lets a configuration carry
     * {@code paths=abc} to this refusal instead of failing in Declarative Services' conversion.
     */
    public static int wholeNumber(String pid, String key, String text, int min, int max) {
        return parse(pid, key, () -> {
            int value;
            try {
                value = Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(UserText.quote(text) + " is not a whole number", e);
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException(value + " must be from " + min + " to " + max);
            }
            return value;
        });
    }

    /** {@code path}, absolute, if vstack may keep files in it ({@link #requireWritableDirectory}). */
    public static Path writableDirectory(String pid, String key, Path path) {
        return parse(pid, key, () -> requireWritableDirectory(path));
    }

    /**
     * Checks that {@code path} is, or can be created as, a directory vstack may write: not in
     * {@code /proc}, {@code /sys} or {@code /dev} (also through a symbolic link), not a file, device
     * or FIFO, and writable (for a path that does not exist yet: its nearest existing parent).
     *
     * @return the path, absolute and normalized
     * @throws IllegalArgumentException naming the path and what it is instead
     */
    public static Path requireWritableDirectory(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new IllegalArgumentException(absolute + " has no existing parent directory");
        }
        Path real;
        BasicFileAttributes attributes;
        try {
            real = existing.toRealPath();
            attributes = Files.readAttributes(real, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(existing + " cannot be read: " + e.getMessage(), e);
        }
        for (Path tree : SYSTEM_TREES) {
            if (absolute.startsWith(tree) || real.startsWith(tree)) {
                throw new IllegalArgumentException(absolute + " is in " + tree + ", not a directory vstack may write");
            }
        }
        if (!attributes.isDirectory()) {
            throw new IllegalArgumentException(existing + " is " + (attributes.isRegularFile() ? "a file" : "a device or FIFO")
                    + ", not a directory");
        }
        if (!Files.isWritable(real)) {
            throw new IllegalArgumentException(existing + " is not writable");
        }
        return absolute;
    }

    /**
     * Refuses a change of a key that a running component cannot apply in place.
     *
     * @throws IllegalArgumentException {@code "<pid>: key '<key>': cannot change while running ..."}
     *                                  if {@code configured} differs from {@code running}
     */
    public static void requireUnchanged(String pid, String key, Object running, Object configured) {
        if (!Objects.equals(running, configured)) {
            throw new IllegalArgumentException(pid + ": key '" + key + "': cannot change while running (running with "
                    + running + ", configured " + configured + "); it applies when the bundle restarts");
        }
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
     * {@code <dataRoot>/<segments...>}, {@code dataRoot} being {@link KarafData#of} in a framework.
     */
    public static Path dataDirectory(String configured, Path dataRoot, String... segments) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.trim());
        }
        Path dir = dataRoot;
        for (String segment : segments) {
            dir = dir.resolve(segment);
        }
        return dir;
    }
}
