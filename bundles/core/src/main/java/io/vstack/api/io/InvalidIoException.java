package io.vstack.api.io;

/** An I/O that the disk refuses before doing anything: out of range, misaligned, or on a read-only disk. */
public class InvalidIoException extends IoException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the disk, the range and the rule broken. */
    public InvalidIoException(String message) {
        super(message);
    }
}
