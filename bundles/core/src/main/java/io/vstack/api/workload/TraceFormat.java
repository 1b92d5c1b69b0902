package io.vstack.api.workload;

import java.nio.file.Path;
import java.util.Locale;

/** The trace file formats a workload can replay (those of the shared cache traces). */
public enum TraceFormat {
    /** xz-compressed big-endian unsigned 32-bit block numbers, back to back. */
    XZ_U32,
    /** xz-compressed big-endian signed 32-bit keys, back to back (negative keys wrap modulo the block count). */
    XZ_I32,
    /** gzip-compressed text: one block number per line; a line {@code *} is a marker and is skipped. */
    GZIP_TEXT,
    /** Plain text, as {@link #GZIP_TEXT} without compression. */
    TEXT;

    /**
     * The format a file name implies: {@code .xz} is {@link #XZ_U32}, {@code .gz} is
     * {@link #GZIP_TEXT}, {@code .txt} or {@code .trace} is {@link #TEXT}.
     *
     * @throws IllegalArgumentException naming the file if its extension says nothing
     */
    public static TraceFormat forFile(Path file) {
        String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
        if (name.endsWith(".xz")) {
            return XZ_U32;
        }
        if (name.endsWith(".gz")) {
            return GZIP_TEXT;
        }
        if (name.endsWith(".txt") || name.endsWith(".trace")) {
            return TEXT;
        }
        throw new IllegalArgumentException("trace " + file + ": unknown format; name it .xz (binary u32), .gz or .txt"
                + " (text), or give the format (xz-u32, xz-i32, gzip-text, text)");
    }

    /**
     * Parses a format as users type it: {@code xz-u32}, {@code xz-i32}, {@code gzip-text}, {@code text}.
     *
     * @throws IllegalArgumentException naming the text if it is no format
     */
    public static TraceFormat parse(String text) {
        for (TraceFormat format : values()) {
            if (format.label().equalsIgnoreCase(text)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown trace format '" + text + "': use xz-u32, xz-i32, gzip-text or text");
    }

    /** The name users type, such as {@code xz-u32}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
