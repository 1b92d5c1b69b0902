package io.vstack.api.memory;

/** What a mapping of an {@link AddressSpace} allows. */
public enum Protection {
    /** No access: every access faults with a {@link ProtectionViolationException} (a guard region). */
    NONE,
    /** Loads only: a store faults with a {@link ProtectionViolationException}. */
    READ,
    /** Loads and stores. */
    READ_WRITE;

    /** Whether this protection allows {@code access}. */
    public boolean allows(Access access) {
        return switch (access) {
            case READ -> this != NONE;
            case WRITE -> this == READ_WRITE;
        };
    }
}
