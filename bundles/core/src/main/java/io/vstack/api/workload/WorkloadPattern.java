package io.vstack.api.workload;

/** Where a workload's I/Os land and which operations they are. */
public enum WorkloadPattern {
    /** Reads block after block through the region, wrapping at its end. */
    READ,
    /** Writes block after block through the region, wrapping at its end. */
    WRITE,
    /** Reads blocks drawn at random (uniform, or Zipf-skewed) from the region. */
    RANDREAD,
    /** Writes blocks drawn at random (uniform, or Zipf-skewed) from the region. */
    RANDWRITE,
    /** Random blocks, each a read with probability {@link WorkloadSpec#readPercent()} %, else a write. */
    RANDRW,
    /**
     * Replays the block numbers of a trace file ({@link WorkloadSpec#trace()}), each taken modulo
     * the region's block count; reads, or a mix if {@link WorkloadSpec#readPercent()} is below 100.
     */
    TRACE,
    /**
     * Reads every block of the region once and checks each block that carries a verify header
     * (written by an earlier run with {@link WorkloadSpec#verify()}) for self-consistency.
     */
    VERIFY_ONLY;

    /** True for the patterns that draw offsets at random. */
    public boolean isRandom() {
        return this == RANDREAD || this == RANDWRITE || this == RANDRW;
    }
}
