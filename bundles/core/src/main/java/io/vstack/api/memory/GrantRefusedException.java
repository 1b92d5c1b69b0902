package io.vstack.api.memory;

import java.util.Objects;

/** A grant token was not honoured (to map it or to re-grant from it); {@link #reason()} says which check failed. */
public class GrantRefusedException extends MemoryException {
    private static final long serialVersionUID = 1L;

    /** Why a grant was refused. */
    public enum Reason {
        /** The token is malformed, its signature does not verify, or the broker never issued it. */
        FORGED,
        /** The grant's expiry time has passed. */
        EXPIRED,
        /** The grant (or its parent, or its region's generation) was revoked. */
        REVOKED,
        /** The grant was already mapped as many times as it allows. */
        MAX_MAPS,
        /** The grant forbids re-granting. */
        NO_REGRANT,
        /** A re-grant asked for more than its parent allows (a wider range, write access, a later expiry, more maps). */
        WIDENING,
        /** The caller does not own the region it tried to grant. */
        NOT_OWNER
    }

    private final Reason reason;

    /** Creates the exception; the message is one line for the user. */
    public GrantRefusedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Which check failed. */
    public Reason reason() {
        return reason;
    }
}
