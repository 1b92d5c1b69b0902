package io.vstack.api.memory;

/**
 * The memory behind a handle went away under it: the owner truncated the shared file, so an
 * access to a mapped section faulted (the JVM's error for a bus error is caught where the section
 * is used), or a section could not be mapped.
 */
public class MemoryFaultException extends MemoryException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message. */
    public MemoryFaultException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the failure underneath. */
    public MemoryFaultException(String message, Throwable cause) {
        super(message, cause);
    }
}
