package io.vstack.api.storage;

import java.util.Objects;

/**
 * A backend's state at one moment.
 *
 * @param name      the backend instance's name, such as {@code local} or {@code san-array1}
 * @param type      its type
 * @param capacity  bytes it can hold in all
 * @param used      bytes its stores occupy
 * @param health    whether it serves I/O
 * @param detail    a short human explanation of the health (paths up, replicas, endpoint...)
 */
public record BackendStatus(String name, BackendType type, long capacity, long used, Health health, String detail) {

    /** Whether a backend serves I/O. */
    public enum Health {
        /** Everything works. */
        HEALTHY,
        /** Serves I/O with reduced redundancy (a path or a replica is down). */
        DEGRADED,
        /** Does not serve I/O. */
        DOWN
    }

    /**
     * @throws NullPointerException if a field is null
     */
    public BackendStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(detail, "detail");
    }
}
