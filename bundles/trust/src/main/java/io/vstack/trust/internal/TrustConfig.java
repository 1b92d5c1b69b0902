package io.vstack.trust.internal;

import io.vstack.support.ConfigKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration {@code io.vstack.trust}, validated: a wrong value is refused with a message
 * naming the key, and the previous configuration stays.
 *
 * @param mode               enforce or log only
 * @param storeDir           the trust store directory, if not the default
 * @param keyFile            the store's MAC key file, if not the default
 * @param platformDigests    the build-time manifest of platform digests, if not the default
 * @param allowSymbolicNames symbolic-name globs trusted without approval (test harnesses only)
 * @param requireSignature   whether trust:install also demands a trusted signature
 */
record TrustConfig(Mode mode, Optional<String> storeDir, Optional<String> keyFile, Optional<String> platformDigests,
                   List<String> allowSymbolicNames, boolean requireSignature) {

    /** Configuration PID. */
    static final String PID = "io.vstack.trust";

    /** What the hooks do with an untrusted bundle. */
    enum Mode {
        /** Untrusted bundles never resolve nor start. */
        ENFORCE("enforce"),
        /** Untrusted bundles run; each refusal that enforcement would make is logged and audited. */
        LOG_ONLY("log-only");

        private final String text;

        Mode(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }

        static Mode parse(String text) {
            for (Mode mode : values()) {
                if (mode.text.equals(text.strip().toLowerCase(Locale.ROOT))) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("mode: '" + text + "' is neither enforce nor log-only");
        }
    }

    /** Metatype of {@code io.vstack.trust}. */
    @ObjectClassDefinition(pid = PID, name = "vstack trusted-binary loading",
            description = "Only bundles installed through the approved mechanism (trust:install), platform bundles "
                    + "approved at build time and bundles signed by a trusted signer resolve and start.")
    @interface Metatype {
        @AttributeDefinition(description = "enforce: untrusted bundles never resolve nor start; log-only: they run "
                + "and every refusal is logged and audited",
                options = {@Option(label = "enforce", value = "enforce"), @Option(label = "log-only", value = "log-only")})
        String mode() default "enforce";

        @AttributeDefinition(required = false, description = "Trust store directory; default ${karaf.data}/vstack/trust "
                + "(read when the bundle starts)")
        String storeDir();

        @AttributeDefinition(required = false, description = "HMAC key file of the trust store, created with "
                + "permissions 0600 if missing; default ${karaf.etc}/vstack-trust.key (read when the bundle starts)")
        String keyFile();

        @AttributeDefinition(required = false, description = "Build-time manifest of platform digests; default "
                + "${karaf.home}/system/vstack-platform.sha256 (read when the bundle starts)")
        String platformDigests();

        @AttributeDefinition(required = false, description = "Comma-separated symbolic-name globs trusted without "
                + "approval. For test harnesses (the Pax Exam probe) only; empty in the distribution")
        String allowSymbolicNames();

        @AttributeDefinition(description = "Whether trust:install refuses bundles not signed by a trusted signer")
        boolean requireSignature() default false;
    }

    private static final Set<String> KEYS = Set.of("mode", "storeDir", "keyFile", "platformDigests",
            "allowSymbolicNames", "requireSignature");

    /** The defaults (no configuration). */
    static TrustConfig defaults() {
        return new TrustConfig(Mode.ENFORCE, Optional.empty(), Optional.empty(), Optional.empty(), List.of(), false);
    }

    /**
     * Parses a configuration.
     *
     * @throws IllegalArgumentException naming every wrong key
     */
    static TrustConfig parse(Dictionary<String, ?> properties) {
        if (properties == null) {
            return defaults();
        }
        List<String> errors = new ArrayList<>();
        Set<String> unknown = new TreeSet<>();
        for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            if (!KEYS.contains(key) && !key.startsWith("service.") && !key.startsWith("felix.")
                    && !key.startsWith("component.") && !key.startsWith(".")) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            errors.add("unknown key " + String.join(", ", unknown) + " (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
        }
        Mode mode = Mode.ENFORCE;
        try {
            mode = Mode.parse(string(properties, "mode").orElse("enforce"));
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
        }
        List<String> allow = new ArrayList<>();
        for (String glob : string(properties, "allowSymbolicNames").orElse("").split(",")) {
            String trimmed = glob.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!trimmed.matches("[A-Za-z0-9_.*-]+") || trimmed.equals("*")) {
                errors.add("allowSymbolicNames: '" + trimmed + "' must be a symbolic-name glob of letters, digits, "
                        + "'.', '-', '_' and '*', and not '*' alone");
            } else {
                allow.add(trimmed);
            }
        }
        boolean requireSignature = false;
        Optional<String> require = string(properties, "requireSignature");
        if (require.isPresent()) {
            switch (require.get().strip().toLowerCase(Locale.ROOT)) {
                case "true" -> requireSignature = true;
                case "false" -> requireSignature = false;
                default -> errors.add("requireSignature: '" + require.get() + "' is neither true nor false");
            }
        }
        string(properties, "storeDir").ifPresent(dir -> {
            try {
                ConfigKeys.requireWritableDirectory(Path.of(dir));
            } catch (IllegalArgumentException e) {
                errors.add("storeDir: " + e.getMessage());
            }
        });
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new TrustConfig(mode, string(properties, "storeDir"), string(properties, "keyFile"),
                string(properties, "platformDigests"), Collections.unmodifiableList(allow), requireSignature);
    }

    private static Optional<String> string(Dictionary<String, ?> properties, String key) {
        Object value = properties.get(key);
        if (value == null || value.toString().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.toString().strip());
    }

    /** This configuration with another mode. */
    TrustConfig withMode(Mode next) {
        return new TrustConfig(next, storeDir, keyFile, platformDigests, allowSymbolicNames, requireSignature);
    }

    /**
     * Whether {@code other} makes the hooks and the installer behave as this one does (mode,
     * allow-list, signature requirement); the paths take effect only when the bundle starts.
     */
    boolean sameEffect(TrustConfig other) {
        return mode == other.mode && allowSymbolicNames.equals(other.allowSymbolicNames)
                && requireSignature == other.requireSignature;
    }

    /** The allow-list glob that matches {@code symbolicName}, if one does. */
    Optional<String> allowed(String symbolicName) {
        for (String glob : allowSymbolicNames) {
            String regex = ("\\Q" + glob + "\\E").replace("*", "\\E.*\\Q");
            if (Pattern.matches(regex, symbolicName)) {
                return Optional.of(glob);
            }
        }
        return Optional.empty();
    }
}
