package io.vstack.api.pod;

/** A pod operation was refused; the one-line message names the pod or field, and nothing was changed. */
public class PodException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message. */
    public PodException(String message) {
        super(message);
    }
}
