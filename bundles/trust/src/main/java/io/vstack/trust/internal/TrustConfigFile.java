package io.vstack.trust.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code etc/io.vstack.trust.cfg} as the trust bundle reads it itself when it starts. Karaf's
 * fileinstall copies {@code etc/} into Config Admin only once the framework has fully started (and
 * on a first boot, after the features service has refreshed it), so at the trust bundle's start
 * Config Admin may hold no copy of the file yet, or an older one; the file is what the user wrote.
 * Values are read as fileinstall reads them: Java properties, {@code ${name}} replaced by the
 * framework property {@code name} (left as it is if there is none).
 */
final class TrustConfigFile {

    /** The file name under {@code ${karaf.etc}}. */
    static final String NAME = TrustConfig.PID + ".cfg";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    private TrustConfigFile() {
    }

    /**
     * The properties of {@code file}, or empty if there is no such file.
     *
     * @param properties framework properties by name, {@code null} for none
     * @throws IOException if the file exists but cannot be read
     */
    static Optional<Dictionary<String, String>> read(Path file, UnaryOperator<String> properties) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties loaded = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            loaded.load(reader);
        }
        Dictionary<String, String> dictionary = new Hashtable<>();
        for (String key : loaded.stringPropertyNames()) {
            dictionary.put(key, substitute(loaded.getProperty(key), properties));
        }
        return Optional.of(dictionary);
    }

    private static String substitute(String value, UnaryOperator<String> properties) {
        Matcher matcher = PLACEHOLDER.matcher(value);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String replacement = properties.apply(matcher.group(1));
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement == null ? matcher.group() : replacement));
        }
        return matcher.appendTail(result).toString();
    }
}
