package io.vstack.api.filter;

import io.vstack.api.UserText;
import java.util.Locale;

/**
 * What a disk does with I/O while a filter attached to it is not present: its bundle is gone,
 * not started yet (at start-up, disks load before their filters link), refused by trust, or its
 * factory refused to create it. Chosen per attachment with the attach-time key
 * {@value #CONFIG_KEY}; the default depends on the filter's class ({@link #defaultFor}).
 * <p>Bypassing a filter that transforms or owns data (encryption, compression, replication, a
 * cache) would hand callers ciphertext, store plaintext, or leave a replica or a cache stale, so
 * those classes hold I/O by default; only inspection filters are bypassed.
 */
public enum MissingFilterPolicy {
    /** Every I/O that would pass through the filter fails at once with a {@link io.vstack.api.io.FilterUnavailableException}. */
    FAIL,
    /**
     * I/O that would pass through the filter waits for it to come back, up to the disk manager's
     * {@code filterTimeout}, then fails with a {@link io.vstack.api.io.FilterUnavailableException}.
     */
    HOLD,
    /** I/O goes on without the filter, as if it were not attached. */
    BYPASS;

    /** The attach-time configuration key that overrides the default: {@code onMissing=fail|hold|bypass}. */
    public static final String CONFIG_KEY = "onMissing";

    /** The default for a filter class: {@link #BYPASS} for inspection filters, {@link #HOLD} for the rest. */
    public static MissingFilterPolicy defaultFor(FilterClass filterClass) {
        return filterClass == FilterClass.INSPECTION ? BYPASS : HOLD;
    }

    /**
     * Parses {@code fail}, {@code hold} or {@code bypass} (any case).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static MissingFilterPolicy parse(String text) {
        for (MissingFilterPolicy p : values()) {
            if (p.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException(CONFIG_KEY + " must be fail, hold or bypass, not " + UserText.quote(text));
    }

    /** The lowercase name, as written in configuration and shown by commands. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
