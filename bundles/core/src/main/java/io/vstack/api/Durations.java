package io.vstack.api;

import java.time.Duration;
import java.util.Locale;

/**
 * Parses and prints the durations users type: {@code 0}, {@code 250us}, {@code 20ms}, {@code 2s},
 * {@code 1m} ({@code ns}, {@code us}, {@code ms}, {@code s}, {@code m}; a bare number is milliseconds).
 */
public final class Durations {

    private Durations() {
    }

    /**
     * Parses a duration such as {@code 20ms}.
     *
     * @throws IllegalArgumentException naming the text if it is not a non-negative duration
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration: expected a duration like 20ms, 250us or 2s");
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < s.length() && (Character.isDigit(s.charAt(split)) || s.charAt(split) == '.' || s.charAt(split) == '-')) {
            split++;
        }
        double value;
        try {
            value = Double.parseDouble(s.substring(0, split));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(UserText.quote(text) + " is not a duration: expected a duration like 20ms, 250us or 2s");
        }
        long nanosPerUnit = switch (s.substring(split).trim()) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "", "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m", "min" -> 60_000_000_000L;
            default -> throw new IllegalArgumentException(UserText.quote(text) + " has an unknown unit: use ns, us, ms, s or m");
        };
        if (value < 0 || Double.isNaN(value) || value * nanosPerUnit > Long.MAX_VALUE) {
            throw new IllegalArgumentException(UserText.quote(text) + " must be a duration of zero or more");
        }
        return Duration.ofNanos(Math.round(value * nanosPerUnit));
    }

    /** Prints a duration in the largest unit that keeps it readable: {@code 0}, {@code 250us}, {@code 1.5ms}, {@code 2s}. */
    public static String format(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos == 0) {
            return "0";
        }
        if (nanos < 1_000) {
            return nanos + "ns";
        }
        if (nanos < 1_000_000) {
            return trim(nanos / 1e3) + "us";
        }
        if (nanos < 1_000_000_000) {
            return trim(nanos / 1e6) + "ms";
        }
        return trim(nanos / 1e9) + "s";
    }

    private static String trim(double value) {
        String s = String.format(Locale.ROOT, "%.2f", value);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
