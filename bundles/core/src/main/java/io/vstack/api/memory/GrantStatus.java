package io.vstack.api.memory;

import java.util.Objects;

/**
 * A grant as the broker knows it now.
 *
 * @param grant   the grant
 * @param maps    how many times it was mapped
 * @param revoked whether it was revoked (no new maps; mapped handles fail their next check)
 * @param expired whether its expiry time has passed
 */
public record GrantStatus(Grant grant, int maps, boolean revoked, boolean expired) {

    /** @throws NullPointerException if {@code grant} is null */
    public GrantStatus {
        Objects.requireNonNull(grant, "grant");
    }
}
