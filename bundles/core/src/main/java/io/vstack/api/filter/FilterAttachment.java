package io.vstack.api.filter;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A filter attached to a disk, as recorded in the disk's metadata.
 *
 * @param diskId     the disk
 * @param descriptor the filter
 * @param config     the attach-time configuration given to the filter; copied, unmodifiable;
 *                   may hold secrets: show {@link #redactedConfig()} instead
 * @param active     false while the filter is not linked (its factory absent, or it could not be
 *                   created): I/O through it is then held, failed or bypassed as {@code onMissing} says
 * @param onMissing  what I/O does while the filter is not active
 * @param secretKeys the keys of {@code config} whose values are secrets
 */
public record FilterAttachment(String diskId, FilterDescriptor descriptor, Map<String, String> config, boolean active,
                               MissingFilterPolicy onMissing, Set<String> secretKeys) {

    /** What {@link #redactedConfig()} shows instead of a secret value. */
    public static final String REDACTED = "***";

    /**
     * @throws NullPointerException if a field is null
     */
    public FilterAttachment {
        Objects.requireNonNull(diskId, "diskId");
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(onMissing, "onMissing");
        config = Map.copyOf(config);
        secretKeys = Set.copyOf(secretKeys);
    }

    /** An attachment with its class's default {@link MissingFilterPolicy} and no secret keys. */
    public FilterAttachment(String diskId, FilterDescriptor descriptor, Map<String, String> config, boolean active) {
        this(diskId, descriptor, config, active, MissingFilterPolicy.defaultFor(descriptor.filterClass()), Set.of());
    }

    /** The configuration sorted by key, each secret value replaced by {@value #REDACTED}: what commands and logs show. */
    public Map<String, String> redactedConfig() {
        return redact(config, secretKeys);
    }

    /** {@code config} sorted by key, with the values of {@code secretKeys} replaced by {@value #REDACTED}. */
    public static Map<String, String> redact(Map<String, String> config, Set<String> secretKeys) {
        Map<String, String> shown = new TreeMap<>(config);
        shown.replaceAll((k, v) -> secretKeys.contains(k) ? REDACTED : v);
        return shown;
    }
}
