package io.vstack.filters.basic.internal;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Checks of attach-time configurations. */
public final class FilterConfigs {

    private FilterConfigs() {
    }

    /**
     * Refuses keys that the filter does not know.
     *
     * @throws IllegalArgumentException naming the filter, the unknown keys and the known ones
     */
    public static void requireKnownKeys(String filter, Map<String, String> config, Set<String> known) {
        Set<String> unknown = new TreeSet<>(config.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(filter + ": unknown config key" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + (known.isEmpty() ? "; it takes no configuration"
                    : "; known keys: " + String.join(", ", new TreeSet<>(known))));
        }
    }
}
