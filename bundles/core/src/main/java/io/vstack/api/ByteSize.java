package io.vstack.api;

import java.util.Locale;

/**
 * A non-negative number of bytes, parsed from and printed as the sizes users type:
 * {@code 4096}, {@code 512K}, {@code 64M}, {@code 10G}, {@code 1T} (binary multiples; an optional
 * trailing {@code B} or {@code iB} is accepted, case-insensitive).
 * <p>Immutable and thread-safe.
 */
public record ByteSize(long bytes) implements Comparable<ByteSize> {

    /**
     * @param bytes the size in bytes
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("size must not be negative: " + bytes);
        }
    }

    /** Returns the size of {@code bytes} bytes. */
    public static ByteSize ofBytes(long bytes) {
        return new ByteSize(bytes);
    }

    /**
     * Parses a size such as {@code 8G}.
     *
     * @throws IllegalArgumentException naming the text if it is not a size, is negative, or overflows
     */
    public static ByteSize parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty size: expected a size like 4096, 64M or 10G");
        }
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (s.endsWith("IB")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("B")) {
            s = s.substring(0, s.length() - 1);
        }
        int shift = 0;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                case 'P' -> shift = 50;
                default -> shift = 0;
            }
        }
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        long value;
        try {
            value = Long.parseLong(digits.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(UserText.quote(text) + " is not a size: expected a size like 4096, 64M or 10G");
        }
        if (value < 0) {
            throw new IllegalArgumentException(UserText.quote(text) + " is negative: a size must be positive or zero");
        }
        if (shift > 0 && value > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException(UserText.quote(text) + " is too large");
        }
        return new ByteSize(value << shift);
    }

    /** Prints the size with the largest binary unit that divides it exactly, e.g. {@code 10G}. */
    @Override
    public String toString() {
        String[] units = {"", "K", "M", "G", "T", "P"};
        long value = bytes;
        int unit = 0;
        while (value != 0 && value % 1024 == 0 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return value + units[unit];
    }

    /** Prints the size rounded to one decimal in the largest unit below it, e.g. {@code 1.5G}. */
    public String toHumanString() {
        String[] units = {"B", "K", "M", "G", "T", "P"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + "B" : String.format(Locale.ROOT, "%.1f%s", value, units[unit]);
    }

    @Override
    public int compareTo(ByteSize other) {
        return Long.compare(bytes, other.bytes);
    }
}
