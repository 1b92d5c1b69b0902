package io.vstack.api.metrics;

/**
 * The label names vstack's sources use, so that readers can group figures of one disk, host,
 * filter, cache, VM or backend across sources. A source may add others; a label name is a
 * Prometheus label name ({@code [a-zA-Z_][a-zA-Z0-9_]*}, not starting with {@code __}).
 */
public final class MetricLabels {

    /** A virtual disk's id. */
    public static final String DISK = "disk";
    /** A simulated host's name. */
    public static final String HOST = "host";
    /** A filter's name (as attached to a disk). */
    public static final String FILTER = "filter";
    /** A block cache's name. */
    public static final String CACHE = "cache";
    /** A VM's name. */
    public static final String VM = "vm";
    /** A storage backend's type ({@code san}, {@code nfs}, {@code vsan}, {@code cloud}, {@code local}). */
    public static final String BACKEND = "backend";
    /** An I/O operation ({@code read}, {@code write}, {@code flush}, {@code trim}). */
    public static final String OP = "op";

    private MetricLabels() {
    }
}
