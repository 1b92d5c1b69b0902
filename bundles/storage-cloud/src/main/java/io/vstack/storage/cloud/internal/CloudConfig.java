package io.vstack.storage.cloud.internal;

import io.vstack.api.ByteSize;
import java.net.URI;
import java.util.Locale;

/**
 * A validated cloud backend configuration.
 *
 * @param endpoint  the S3 endpoint, or null when none is configured (the backend is then DOWN)
 * @param bucket    the bucket holding the stores
 * @param region    the signing region
 * @param accessKey the access key id
 * @param secretKey the secret key
 * @param chunkSize bytes per chunk object of new stores (1, 2 or 4 MiB)
 * @param cache     bytes of the local write-back cache per open store; 0 for none
 * @param capacity  bytes the backend lets its stores reserve in all
 */
public record CloudConfig(URI endpoint, String bucket, String region, String accessKey, String secretKey, int chunkSize,
                   long cache, long capacity) {

    static final String PID = "io.vstack.storage.cloud";

    /** Parses and checks a configuration; every error names its key. */
    public static CloudConfig parse(String endpoint, String bucket, String region, String accessKey, String secretKey,
                             String chunkSize, String cache, String capacity) {
        URI uri = null;
        if (endpoint != null && !endpoint.isBlank()) {
            try {
                uri = URI.create(endpoint.trim());
            } catch (IllegalArgumentException e) {
                throw bad("endpoint", "'" + endpoint + "' is not a URL: " + e.getMessage());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw bad("endpoint", "'" + endpoint + "' must be an http:// or https:// URL with a host");
            }
        }
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw bad("bucket", "'" + bucket + "' is not an S3 bucket name (3-63 of a-z, 0-9, '.', '-')");
        }
        if (region == null || region.isBlank()) {
            throw bad("region", "must not be empty");
        }
        long chunk = parseSize("chunkSize", chunkSize);
        if (chunk != 1 << 20 && chunk != 2 << 20 && chunk != 4 << 20) {
            throw bad("chunkSize", chunkSize + " must be 1M, 2M or 4M");
        }
        long cacheBytes = parseSize("cache", cache);
        if (cacheBytes != 0 && cacheBytes < chunk) {
            throw bad("cache", cache + " must be 0 (off) or at least one chunk (" + ByteSize.ofBytes(chunk) + ")");
        }
        long capacityBytes = parseSize("capacity", capacity);
        if (capacityBytes == 0) {
            throw bad("capacity", "must be positive");
        }
        return new CloudConfig(uri, bucket, region.trim(), accessKey == null ? "" : accessKey,
                secretKey == null ? "" : secretKey, (int) chunk, cacheBytes, capacityBytes);
    }

    private static long parseSize(String key, String text) {
        try {
            return ByteSize.parse(text).bytes();
        } catch (IllegalArgumentException e) {
            throw bad(key, e.getMessage());
        }
    }

    private static IllegalArgumentException bad(String key, String message) {
        return new IllegalArgumentException(PID + ": key '" + key + "': " + message);
    }
}
