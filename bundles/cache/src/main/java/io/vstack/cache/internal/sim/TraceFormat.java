package io.vstack.cache.internal.sim;

import java.util.Locale;

/** How the records of a trace are encoded once decompressed. */
public enum TraceFormat {
    /** Binary if the file is xz, text otherwise (gzip or plain). */
    AUTO,
    /** Big-endian unsigned 32-bit keys, back to back (the CloudPhysics traces). */
    U32,
    /** Big-endian signed 32-bit keys, back to back (the cache2k traces). */
    S32,
    /** One decimal key per line; blank lines and lines {@code *} are skipped (the LIRS traces). */
    TEXT;

    /** The format named {@code name} (auto, u32, s32, text). */
    public static TraceFormat parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown trace format '" + name + "'; known: auto, u32, s32, text", e);
        }
    }
}
