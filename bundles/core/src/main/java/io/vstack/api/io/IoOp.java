package io.vstack.api.io;

/** The operation of an {@link IoRequest}. */
public enum IoOp {
    /** Fill the request's buffer from the disk. */
    READ,
    /** Store the request's buffer on the disk. */
    WRITE,
    /** Make every write acknowledged so far durable. Offset and length are zero. */
    FLUSH,
    /** Declare a range unused; it reads back as zeros. The buffer is empty. */
    TRIM
}
