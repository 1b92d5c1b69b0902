package io.vstack.api.testing;

import io.vstack.api.filter.FilterContext;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link FilterContext} as a plain value, for building filters in unit tests.
 *
 * @param diskId         the disk
 * @param host           the host
 * @param capacity       the disk's capacity
 * @param blockSize      the disk's block size
 * @param config         the attach configuration
 * @param stateDirectory the filter's state directory (a test's temporary directory)
 */
public record TestFilterContext(String diskId, String host, long capacity, int blockSize, Map<String, String> config,
                                Path stateDirectory) implements FilterContext {

    /** Copies the config. */
    public TestFilterContext {
        Objects.requireNonNull(diskId, "diskId");
        Objects.requireNonNull(host, "host");
        config = Map.copyOf(config);
    }

    /** A context for disk {@code diskId} on host {@code esx1}. */
    public static TestFilterContext of(String diskId, long capacity, int blockSize, Map<String, String> config,
                                       Path stateDirectory) {
        return new TestFilterContext(diskId, "esx1", capacity, blockSize, config, stateDirectory);
    }
}
