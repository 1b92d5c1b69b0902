package io.vstack.api.vm;

/** Which pages of its working set a guest workload writes. */
public enum WorkloadPattern {
    /** Every page of the working set equally likely. */
    UNIFORM,
    /** Page of rank k chosen with probability proportional to 1/k^s (hot pages first). */
    ZIPF,
    /** Pages in order, wrapping around the working set. */
    SEQUENTIAL
}
