package io.vstack.trust.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The platform's own bundles, approved at build time: the SHA-256 of every jar in the
 * distribution's {@code system/} folder, in {@code sha256sum} format ({@code <hex>  <path>}),
 * written by the build into {@code system/vstack-platform.sha256}.
 */
final class PlatformDigests {

    /** File name of the manifest inside {@code system/}. */
    static final String FILE = "vstack-platform.sha256";

    private final Path source;
    private final Map<String, String> pathsByDigest;

    private PlatformDigests(Path source, Map<String, String> pathsByDigest) {
        this.source = source;
        this.pathsByDigest = pathsByDigest;
    }

    /** No platform digests (nothing is platform). */
    static PlatformDigests none() {
        return new PlatformDigests(null, Map.of());
    }

    /**
     * Reads the manifest.
     *
     * @throws IOException naming the line if it is malformed, or if the file is missing
     */
    static PlatformDigests load(Path file) throws IOException {
        Map<String, String> digests = new HashMap<>();
        int number = 0;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (line.length() < 67 || !line.substring(0, 64).matches("[0-9a-f]{64}") || line.charAt(64) != ' ') {
                    throw new IOException(file + " line " + number + " is not '<sha256>  <path>'");
                }
                String path = line.substring(66);
                digests.put(line.substring(0, 64), path.startsWith("*") ? path.substring(1) : path);
            }
        } catch (NoSuchFileException e) {
            throw new IOException("the platform digest manifest " + file + " is missing", e);
        }
        return new PlatformDigests(file, Collections.unmodifiableMap(digests));
    }

    /** The path (relative to system/) of the platform jar with this digest, if it is one. */
    Optional<String> path(String sha256) {
        return Optional.ofNullable(pathsByDigest.get(sha256));
    }

    int size() {
        return pathsByDigest.size();
    }

    /** Where the digests came from, for messages. */
    String source() {
        return source == null ? "(none)" : source.toString();
    }
}
