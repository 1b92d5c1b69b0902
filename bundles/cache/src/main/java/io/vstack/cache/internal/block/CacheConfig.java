package io.vstack.cache.internal.block;

import io.vstack.api.ByteSize;
import io.vstack.api.UserText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A validated block cache configuration, parsed from one {@code io.vstack.cache.block} factory
 * configuration ({@code etc/io.vstack.cache.block-<name>.cfg}).
 *
 * @param name   cache name: the {@code name} key, else the configuration's alias
 * @param host   host whose memory holds the cache (default: the name)
 * @param size   bytes of cache, a positive multiple of 4K
 * @param policy eviction policy name
 */
public record CacheConfig(String name, String host, long size, String policy) {

    /** The factory PID. */
    public static final String FACTORY_PID = "io.vstack.cache.block";
    /** The policy when none is configured. */
    public static final String DEFAULT_POLICY = "two-phase";
    private static final int BLOCK = 4096;
    private static final Set<String> KEYS = Set.of("name", "host", "size", "policy");

    /** The metatype of the factory configuration. */
    @ObjectClassDefinition(id = FACTORY_PID, name = "vstack block cache", factoryPid = FACTORY_PID,
            description = "A host-wide block cache in the host's physical memory; one factory configuration per cache")
    @interface Metatype {
        @AttributeDefinition(description = "Cache name; defaults to the configuration's alias (etc/io.vstack.cache.block-<name>.cfg)")
        String name();

        @AttributeDefinition(description = "Host whose physical memory holds the cache; defaults to the name")
        String host();

        @AttributeDefinition(description = "Cache size, a multiple of 4K, e.g. 256M; at most the host's memory")
        String size() default "64M";

        @AttributeDefinition(description = "Eviction policy: two-phase, lru, arc, 2q, s3fifo or another registered policy")
        String policy() default DEFAULT_POLICY;
    }

    /** Number of blocks of 4 KiB. */
    public int blocks() {
        return (int) (size / BLOCK);
    }

    /**
     * Parses and validates a configuration.
     *
     * @throws IllegalArgumentException with one line naming every wrong key
     */
    public static CacheConfig parse(String pid, Dictionary<String, ?> props) {
        List<String> errors = new ArrayList<>();
        Set<String> unknown = new TreeSet<>();
        for (String key : Collections.list(props.keys())) {
            if (!KEYS.contains(key) && !key.startsWith("service.") && !key.startsWith("felix.")
                    && !key.startsWith("component.") && !key.startsWith(".") && !key.startsWith("osgi.")) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            errors.add("unknown key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + " (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
        }
        String name = text(props, "name", alias(pid));
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            errors.add(name == null ? "name is missing: set name, or name the file etc/" + FACTORY_PID + "-<name>.cfg"
                    : "name " + UserText.quote(name) + " must be lowercase letters, digits and '-'");
        }
        String host = text(props, "host", name);
        long size = -1;
        String sizeText = text(props, "size", "64M");
        try {
            size = ByteSize.parse(sizeText).bytes();
            if (size <= 0 || size % BLOCK != 0) {
                errors.add("size " + sizeText + " must be a positive multiple of 4K, like 256M");
            } else if (size / BLOCK > Integer.MAX_VALUE) {
                errors.add("size " + sizeText + " is too large (at most " + ByteSize.ofBytes((long) Integer.MAX_VALUE * BLOCK) + ")");
            }
        } catch (IllegalArgumentException e) {
            errors.add("size: " + e.getMessage());
        }
        String policy = text(props, "policy", DEFAULT_POLICY);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new CacheConfig(name, host, size, policy);
    }

    private static String alias(String pid) {
        int tilde = pid.indexOf('~');
        return tilde < 0 ? null : pid.substring(tilde + 1);
    }

    private static String text(Dictionary<String, ?> props, String key, String defaultValue) {
        Object value = props.get(key);
        return value == null || value.toString().isBlank() ? defaultValue : value.toString().trim();
    }
}
