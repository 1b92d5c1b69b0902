package io.vstack.trust.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the bytes a bundle location stands for: {@code file:} from disk, {@code mvn:} from the
 * distribution's {@code system/} folder first (no network, no URL handler needed), anything else
 * through its URL handler with timeouts. Jars larger than {@link #LIMIT} are refused.
 */
final class BundleSource {

    static final long LIMIT = 256L << 20;
    private static final int TIMEOUT_MS = 10_000;

    private final Optional<Path> system;

    /** @param system the distribution's system/ folder, if known */
    BundleSource(Optional<Path> system) {
        this.system = system;
    }

    /** The bytes at {@code location}. */
    byte[] read(String location) throws IOException {
        return fetch(location).bytes();
    }

    /** Bytes read from a location, and the local file they came from, if any. */
    record Fetched(byte[] bytes, Optional<Path> file) {
    }

    /** The bytes at {@code location}, with the local file they were read from. */
    Fetched fetch(String location) throws IOException {
        Optional<Path> local = localFile(location);
        if (local.isPresent()) {
            Path file = local.get();
            if (Files.size(file) > LIMIT) {
                throw new IOException(file + " is larger than " + (LIMIT >> 20) + " MiB");
            }
            return new Fetched(Files.readAllBytes(file), local);
        }
        URL url;
        try {
            url = new URL(location);
        } catch (MalformedURLException e) {
            throw new IOException("'" + location + "' is not a URL this framework can open (" + e.getMessage() + ")", e);
        }
        URLConnection connection = url.openConnection();
        connection.setConnectTimeout(TIMEOUT_MS);
        connection.setReadTimeout(TIMEOUT_MS);
        try (InputStream in = connection.getInputStream()) {
            return new Fetched(JarInspection.readAll(in, LIMIT), Optional.empty());
        }
    }

    /**
     * A stamp that changes when the local file behind {@code location} changes (size and
     * modification time), or empty if the location is not a local file.
     */
    Optional<String> stamp(String location) {
        try {
            Optional<Path> file = localFile(location);
            if (file.isEmpty()) {
                return Optional.empty();
            }
            Path path = file.get();
            return Optional.of(Files.size(path) + "@" + Files.getLastModifiedTime(path).toMillis());
        } catch (IOException e) {
            return Optional.of("missing");
        }
    }

    /** The local file behind a {@code file:} location, or a {@code mvn:} one present in system/. */
    Optional<Path> localFile(String location) throws IOException {
        if (location.startsWith("file:")) {
            try {
                return Optional.of(Path.of(new URI(location)));
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new IOException("'" + location + "' is not a valid file URL: " + e.getMessage(), e);
            }
        }
        if (location.startsWith("mvn:") && system.isPresent()) {
            Optional<String> relative = mavenPath(location);
            if (relative.isPresent()) {
                Path file = system.get().resolve(relative.get());
                if (Files.isRegularFile(file)) {
                    return Optional.of(file);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The repository path of {@code mvn:[repo!]group/artifact/version[/type[/classifier]]}, e.g.
     * {@code org/foo/bar/1.0/bar-1.0.jar}; empty if it is not of that form.
     */
    static Optional<String> mavenPath(String location) {
        String coordinates = location.substring("mvn:".length());
        int bang = coordinates.lastIndexOf('!');
        if (bang >= 0) {
            coordinates = coordinates.substring(bang + 1);
        }
        String[] parts = coordinates.split("/");
        if (parts.length < 3 || parts.length > 5) {
            return Optional.empty();
        }
        for (String part : parts) {
            if (part.isEmpty() || part.contains("..") || part.contains("[") || part.contains("(")) {
                return Optional.empty();
            }
        }
        String group = parts[0].replace('.', '/');
        String artifact = parts[1];
        String version = parts[2];
        String type = parts.length > 3 ? parts[3] : "jar";
        String classifier = parts.length > 4 ? "-" + parts[4] : "";
        return Optional.of(group + "/" + artifact + "/" + version + "/" + artifact + "-" + version + classifier + "." + type);
    }
}
