package io.vstack.api.io;

/** Data read back does not match what was written (a checksum or a verify pattern disagrees). */
public class DataIntegrityException extends IoException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the disk, the offset and what disagreed. */
    public DataIntegrityException(String message) {
        super(message);
    }
}
