package io.vstack.api.replication;

/**
 * A replication operation was refused or failed; its message is one line that names the object
 * (a disk, a recovery point, a target) and the reason. Nothing written is lost when it is thrown.
 */
public class ReplicationException extends Exception {

    private static final long serialVersionUID = 1L;

    /** A refusal with a one-line message. */
    public ReplicationException(String message) {
        super(message);
    }

    /** A failure with a one-line message and its cause. */
    public ReplicationException(String message, Throwable cause) {
        super(message, cause);
    }
}
