package io.vstack.hw.sim.internal;

import io.vstack.api.ByteSize;
import io.vstack.api.Durations;
import io.vstack.api.UserText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A validated host configuration, parsed from one {@code io.vstack.hw.host} factory configuration
 * ({@code etc/io.vstack.hw.host-<name>.cfg}).
 *
 * @param name             host name: the {@code name} key, else the configuration's alias
 * @param cpus             number of CPUs
 * @param memory           physical memory in bytes, a multiple of the frame size
 * @param nics             number of NICs ({@code vmnic0}...)
 * @param nicSpeedBits     NIC link speed in bits per second
 * @param localStorage     directory of the host's local block device
 * @param localCapacity    capacity advertised by the local block device
 * @param seed             seed of the simulated fault draws
 * @param storageLatency   initial latency of the local block device
 * @param storageFailureRate initial failure rate of the local block device
 */
record HostConfig(String name, int cpus, long memory, int nics, long nicSpeedBits, Path localStorage,
                  long localCapacity, long seed, Duration storageLatency, double storageFailureRate) {

    static final String FACTORY_PID = "io.vstack.hw.host";
    static final int FRAME_SIZE = 4096;
    static final int MAX_CPUS = 1024;
    static final int MAX_NICS = 16;

    /** The metatype of the factory configuration; the defaults here are the parser's defaults. */
    @ObjectClassDefinition(id = FACTORY_PID, name = "vstack simulated host", factoryPid = FACTORY_PID,
            description = "One simulated host of the datacenter; one factory configuration per host")
    @interface Metatype {
        @AttributeDefinition(description = "Host name; defaults to the configuration's alias (etc/io.vstack.hw.host-<name>.cfg)")
        String name();

        @AttributeDefinition(min = "1", max = "1024", description = "Number of CPUs")
        int cpus() default 4;

        @AttributeDefinition(description = "Physical memory, e.g. 8G (multiple of 4K); backed lazily by off-heap memory")
        String memory() default "8G";

        @AttributeDefinition(min = "0", max = "16", description = "Number of NICs (vmnic0, vmnic1...)")
        int nics() default 2;

        @AttributeDefinition(description = "NIC link speed in bits per second, decimal multiples, e.g. 10G or 100M")
        String nicSpeed() default "10G";

        @AttributeDefinition(description = "Directory of the local block device; defaults to ${karaf.data}/vstack/hosts/<name>/local0")
        String localStorage();

        @AttributeDefinition(description = "Capacity the local block device advertises, e.g. 100G")
        String localCapacity() default "100G";

        @AttributeDefinition(description = "Seed of the simulated fault draws (default: derived from the name)")
        long seed();

        @AttributeDefinition(description = "Simulation: latency added to each local storage operation, e.g. 2ms (off: 0)")
        String storageLatency() default "0";

        @AttributeDefinition(min = "0", max = "1", description = "Simulation: probability that a local storage operation fails (off: 0)")
        double storageFailureRate() default 0.0;
    }

    private static final Set<String> KEYS = Set.of("name", "cpus", "memory", "nics", "nicSpeed", "localStorage",
            "localCapacity", "seed", "storageLatency", "storageFailureRate");

    /**
     * Parses and validates a configuration.
     *
     * @param pid       the configuration's PID ({@code io.vstack.hw.host~esx1})
     * @param props     its properties
     * @param dataDir   the directory under which default local storage lives
     * @throws IllegalArgumentException with a one-line message naming every wrong key
     */
    static HostConfig parse(String pid, Dictionary<String, ?> props, Path dataDir) {
        List<String> errors = new ArrayList<>();
        Set<String> unknown = new TreeSet<>();
        for (String key : Collections.list(props.keys())) {
            if (!KEYS.contains(key) && !isFrameworkKey(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            errors.add("unknown key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + " (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
        }
        String name = text(props, "name", alias(pid));
        if (name == null) {
            errors.add("name is missing: set name, or name the file etc/" + FACTORY_PID + "-<name>.cfg");
        } else if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            errors.add("name " + UserText.quote(name) + " must be lowercase letters, digits and '-', starting with a letter or digit");
        }
        int cpus = (int) number(props, "cpus", 4, 1, MAX_CPUS, errors);
        long memory = size(props, "memory", "8G", errors);
        if (memory == 0 || memory % FRAME_SIZE != 0) {
            if (memory != -1) {
                errors.add("memory must be a positive multiple of 4K, like 8G");
            }
        }
        int nics = (int) number(props, "nics", 2, 0, MAX_NICS, errors);
        long nicSpeed = bitRate(text(props, "nicSpeed", "10G"), errors);
        long localCapacity = size(props, "localCapacity", "100G", errors);
        if (localCapacity == 0) {
            errors.add("localCapacity must be positive");
        }
        long seed = number(props, "seed", name == null ? 0 : name.hashCode(), Long.MIN_VALUE, Long.MAX_VALUE, errors);
        Duration latency = duration(props, "storageLatency", errors);
        double failureRate = rate(props, "storageFailureRate", errors);
        String storageText = text(props, "localStorage", null);
        Path localStorage = storageText == null || storageText.isBlank()
                ? dataDir.resolve("vstack").resolve("hosts").resolve(String.valueOf(name)).resolve("local0")
                : Path.of(storageText.trim());
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new HostConfig(name, cpus, memory, nics, nicSpeed, localStorage.toAbsolutePath().normalize(),
                localCapacity, seed, latency, failureRate);
    }

    /** The alias of a factory configuration PID ({@code factory~alias}), or null. */
    static String alias(String pid) {
        int tilde = pid.indexOf('~');
        return tilde < 0 ? null : pid.substring(tilde + 1);
    }

    private static boolean isFrameworkKey(String key) {
        return key.startsWith("service.") || key.startsWith("felix.") || key.startsWith("component.")
                || key.startsWith(".") || key.startsWith("osgi.");
    }

    private static String text(Dictionary<String, ?> props, String key, String defaultValue) {
        Object value = props.get(key);
        return value == null ? defaultValue : value.toString().trim();
    }

    private static long number(Dictionary<String, ?> props, String key, long defaultValue, long min, long max,
                               List<String> errors) {
        String text = text(props, key, null);
        if (text == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(text);
            if (value < min || value > max) {
                errors.add(key + " " + value + " must be from " + min + " to " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            errors.add(key + " '" + text + "' is not a whole number");
            return defaultValue;
        }
    }

    private static long size(Dictionary<String, ?> props, String key, String defaultValue, List<String> errors) {
        try {
            return ByteSize.parse(text(props, key, defaultValue)).bytes();
        } catch (IllegalArgumentException e) {
            errors.add(key + ": " + e.getMessage());
            return -1;
        }
    }

    /** Parses a link speed in bits per second with decimal multiples: 100M, 10G, 25000000000. */
    private static long bitRate(String text, List<String> errors) {
        String digits = text.toUpperCase(Locale.ROOT);
        long multiplier = 1;
        if (digits.endsWith("K") || digits.endsWith("M") || digits.endsWith("G") || digits.endsWith("T")) {
            multiplier = switch (digits.charAt(digits.length() - 1)) {
                case 'K' -> 1_000L;
                case 'M' -> 1_000_000L;
                case 'G' -> 1_000_000_000L;
                default -> 1_000_000_000_000L;
            };
            digits = digits.substring(0, digits.length() - 1);
        }
        try {
            long value = Long.parseLong(digits.trim());
            if (value > 0 && value <= Long.MAX_VALUE / multiplier) {
                return value * multiplier;
            }
        } catch (NumberFormatException e) {
            // reported below with the text
        }
        errors.add("nicSpeed '" + text + "' must be a positive bit rate like 10G or 100M");
        return -1;
    }

    private static Duration duration(Dictionary<String, ?> props, String key, List<String> errors) {
        try {
            return Durations.parse(text(props, key, "0"));
        } catch (IllegalArgumentException e) {
            errors.add(key + ": " + e.getMessage());
            return Duration.ZERO;
        }
    }

    private static double rate(Dictionary<String, ?> props, String key, List<String> errors) {
        String text = text(props, key, "0");
        try {
            double value = Double.parseDouble(text);
            if (!(value >= 0 && value <= 1)) {
                errors.add(key + " " + text + " must be from 0 to 1");
            }
            return value;
        } catch (NumberFormatException e) {
            errors.add(key + " '" + text + "' is not a number from 0 to 1");
            return 0;
        }
    }
}
