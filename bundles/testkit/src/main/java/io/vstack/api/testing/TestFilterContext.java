package io.vstack.api.testing;

import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.LinkedStorage;
import io.vstack.api.filter.UpcallGateway;
import io.vstack.support.UpcallGate;
import io.vstack.support.UpcallSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link FilterContext} as a plain value, for building filters in unit tests. Its
 * {@link #upcalls()} is the filter framework's own gateway (a bounded executor of its own, the
 * I/O thread's timed wait, the named errors), and its {@link #linkedStorage()} redirects over an
 * {@link InMemoryLinks}, so a filter that uses either runs here as in the distribution.
 *
 * @param diskId         the disk
 * @param host           the host
 * @param capacity       the disk's capacity
 * @param blockSize      the disk's block size
 * @param config         the attach configuration given to the filter (without the framework's upcall keys)
 * @param stateDirectory the filter's state directory (a test's temporary directory)
 * @param upcalls        the filter's upcall gateway on the disk
 * @param linkedStorage  how the filter redirects requests to disks of other framework instances
 */
public record TestFilterContext(String diskId, String host, long capacity, int blockSize, Map<String, String> config,
                                Path stateDirectory, UpcallGateway upcalls, LinkedStorage linkedStorage)
        implements FilterContext {

    /** The disk manager's default {@code filterTimeout}: the default and the most an {@code upcallTimeout} may be. */
    public static final Duration FILTER_TIMEOUT = Duration.ofSeconds(30);

    /** The filter name a context made without a filter framework gives its upcall gateway (its errors name it). */
    public static final String FILTER_NAME = "test";

    /** Copies the config. */
    public TestFilterContext {
        Objects.requireNonNull(diskId, "diskId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(upcalls, "upcalls");
        Objects.requireNonNull(linkedStorage, "linkedStorage");
        config = Map.copyOf(config);
    }

    /**
     * A context as the framework makes it from an attach configuration: the framework's upcall
     * keys of {@code config} ({@link UpcallGateway#TIMEOUT_KEY}, {@link UpcallGateway#THREADS_KEY},
     * {@link UpcallGateway#QUEUE_KEY}, {@link UpcallGateway#ON_FAILURE_KEY}) set up the upcall
     * gateway of filter {@value #FILTER_NAME} and are not given to the filter; linked storage
     * fails as in a process whose transport is not serving (use {@link InMemoryDisk} with
     * {@link InMemoryLinks} to redirect).
     *
     * @throws IllegalArgumentException naming the key, for a bad upcall key
     */
    public TestFilterContext(String diskId, String host, long capacity, int blockSize, Map<String, String> config,
                             Path stateDirectory) {
        this(diskId, host, capacity, blockSize, UpcallSettings.filterConfig(config), stateDirectory,
                new UpcallGate(diskId, FILTER_NAME, UpcallSettings.parse(config, FILTER_TIMEOUT)), InMemoryLinks.NOT_SERVING);
    }

    /** A context for disk {@code diskId} on host {@code esx1}, as {@link #TestFilterContext(String, String, long, int, Map, Path)} makes it. */
    public static TestFilterContext of(String diskId, long capacity, int blockSize, Map<String, String> config,
                                       Path stateDirectory) {
        return new TestFilterContext(diskId, "esx1", capacity, blockSize, config, stateDirectory);
    }
}
