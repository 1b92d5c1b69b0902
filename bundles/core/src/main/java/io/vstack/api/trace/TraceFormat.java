package io.vstack.api.trace;

import io.vstack.api.UserText;
import java.util.Locale;

/**
 * How the records of a trace are encoded once decompressed. The compression itself (xz, gzip,
 * or none) is never part of the format: a {@link TraceReader} finds it from the file's first
 * bytes.
 */
public enum TraceFormat {
    /** Binary {@link #U32} if the file is xz-compressed, {@link #TEXT} otherwise (gzip or plain). */
    AUTO,
    /** Big-endian unsigned 32-bit keys, back to back (the CloudPhysics traces). */
    U32,
    /** Big-endian signed 32-bit keys, back to back (the cache2k traces). */
    S32,
    /** One decimal key per line, optionally negative; blank lines and marker lines {@code *} are skipped (the LIRS traces). */
    TEXT;

    /**
     * Parses a format as users type it: {@code auto}, {@code u32}, {@code s32} or {@code text},
     * case-insensitive. The names {@code workload:run --trace-format} first took are accepted
     * too: {@code xz-u32} is {@link #U32}, {@code xz-i32} is {@link #S32}, {@code gzip-text} is
     * {@link #TEXT}.
     *
     * @throws IllegalArgumentException naming the text and the known formats if it is no format
     */
    public static TraceFormat parse(String text) {
        String name = text.trim().toLowerCase(Locale.ROOT);
        switch (name) {
            case "xz-u32":
                return U32;
            case "xz-i32":
                return S32;
            case "gzip-text":
                return TEXT;
            default:
                for (TraceFormat format : values()) {
                    if (format.label().equals(name)) {
                        return format;
                    }
                }
                throw new IllegalArgumentException("Unknown trace format " + UserText.quote(text) + "; known: auto, u32, s32, text");
        }
    }

    /** The name users type, such as {@code u32}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
