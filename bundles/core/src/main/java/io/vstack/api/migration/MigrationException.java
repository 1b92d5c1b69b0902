package io.vstack.api.migration;

/** A migration was refused or failed; the one-line message says why. */
public class MigrationException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message. */
    public MigrationException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the failure underneath. */
    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
