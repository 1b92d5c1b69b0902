package io.vstack.api.net;

/** The network could not be reprogrammed for a move; the migration fails and rolls back. */
public class NetworkProgrammingException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the programmer, the VM and what failed. */
    public NetworkProgrammingException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the failure underneath. */
    public NetworkProgrammingException(String message, Throwable cause) {
        super(message, cause);
    }
}
