package io.vstack.api.io;

/**
 * A write (or trim) carried an ownership epoch older than the disk's: the handle was opened
 * while another host owned the disk, or before the disk was released or taken over. Fencing:
 * nothing of the request was stored. Open a new handle as the disk's current owner.
 */
public class StaleEpochException extends IoException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the disk and both epochs. */
    public StaleEpochException(String message) {
        super(message);
    }
}
