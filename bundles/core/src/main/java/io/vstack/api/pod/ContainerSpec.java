package io.vstack.api.pod;

import io.vstack.api.UserText;
import java.util.List;

/**
 * One container of a pod, as desired.
 *
 * @param name        unique in its pod: lower-case letters, digits and {@code -}, at most 30
 * @param image       what it runs (a label for the runtime; at most 200 characters)
 * @param command     its argv (may be empty: the image's default)
 * @param cpuMillis   CPU it requests in thousandths of a CPU (1 to 64,000)
 * @param memoryBytes memory it requests in bytes (positive)
 */
public record ContainerSpec(String name, String image, List<String> command, long cpuMillis, long memoryBytes) {

    /**
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public ContainerSpec {
        PodSpec.requireName("container name", name);
        if (image == null || image.isBlank() || image.length() > 200) {
            throw new IllegalArgumentException("container " + name + ": field 'image' must be 1 to 200 characters");
        }
        command = List.copyOf(command);
        if (cpuMillis < 1 || cpuMillis > 64_000) {
            throw new IllegalArgumentException("container " + name + ": field 'cpuMillis' " + cpuMillis
                    + " must be from 1 to 64000");
        }
        if (memoryBytes <= 0) {
            throw new IllegalArgumentException("container " + name + ": field 'memory' must be positive, not "
                    + UserText.quote(String.valueOf(memoryBytes)));
        }
    }
}
