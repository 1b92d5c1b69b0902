package io.vstack.api.memory;

import java.time.Instant;
import java.util.Optional;

/**
 * What a {@link Grant} forbids, besides the range it covers. Each is enforced by the broker: a
 * read-only grant is mapped read-only (a write through it throws
 * {@link java.nio.ReadOnlyBufferException}), an expired or used-up grant is not mapped.
 *
 * @param readOnly  the holder may only read
 * @param expiresAt when the grant stops being honoured for new maps and re-grants; empty: never
 * @param maxMaps   how many times the grant may be mapped; 0: no limit
 * @param noRegrant the holder may not pass on a narrower grant of its own
 */
public record Restrictions(boolean readOnly, Optional<Instant> expiresAt, int maxMaps, boolean noRegrant) {

    /** No restriction beyond the range. */
    public static final Restrictions NONE = new Restrictions(false, Optional.empty(), 0, false);

    /**
     * @throws IllegalArgumentException if {@code maxMaps} is negative
     * @throws NullPointerException if {@code expiresAt} is null
     */
    public Restrictions {
        if (maxMaps < 0) {
            throw new IllegalArgumentException("maxMaps must not be negative: " + maxMaps);
        }
        if (expiresAt == null) {
            throw new NullPointerException("expiresAt");
        }
    }
}
