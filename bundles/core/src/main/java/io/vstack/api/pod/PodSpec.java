package io.vstack.api.pod;

import io.vstack.api.UserText;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A pod as desired: containers that run together in one pod VM.
 *
 * @param namespace  its namespace: lower-case letters, digits and {@code -}, at most 30
 * @param name       its name, unique in its namespace, same characters
 * @param containers its containers, at least one, names unique
 */
public record PodSpec(String namespace, String name, List<ContainerSpec> containers) {

    /**
     * @throws IllegalArgumentException naming the field or object that is wrong
     */
    public PodSpec {
        requireName("namespace", namespace);
        requireName("pod name", name);
        if (containers == null || containers.isEmpty()) {
            throw new IllegalArgumentException("pod " + namespace + "/" + name + ": field 'containers' must list at least one");
        }
        containers = List.copyOf(containers);
        Set<String> seen = new HashSet<>();
        for (ContainerSpec container : containers) {
            if (!seen.add(container.name())) {
                throw new IllegalArgumentException("pod " + namespace + "/" + name + ": container "
                        + UserText.quote(container.name()) + " is named twice");
            }
        }
    }

    /** {@code namespace/name}. */
    public String key() {
        return namespace + "/" + name;
    }

    /** The CPU all its containers request, in thousandths of a CPU. */
    public long cpuMillis() {
        return containers.stream().mapToLong(ContainerSpec::cpuMillis).sum();
    }

    /** The memory all its containers request, in bytes. */
    public long memoryBytes() {
        return containers.stream().mapToLong(ContainerSpec::memoryBytes).sum();
    }

    static void requireName(String what, String text) {
        if (text == null || !text.matches("[a-z0-9]([a-z0-9-]{0,28}[a-z0-9])?")) {
            throw new IllegalArgumentException("invalid " + what + " " + UserText.quote(text)
                    + ": use lower-case letters, digits and '-' (at most 30, not at either end)");
        }
    }
}
