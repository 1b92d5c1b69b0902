package io.vstack.api.trust;

import java.util.Objects;
import java.util.Optional;

/**
 * What identifies a binary (a bundle jar) for trust: its content and the metadata that matters.
 *
 * @param location       where it was installed from
 * @param symbolicName   its Bundle-SymbolicName
 * @param version        its Bundle-Version
 * @param contentSha256  SHA-256 of the whole jar, lowercase hex
 * @param manifestSha256 SHA-256 of its manifest, lowercase hex
 * @param signer         the distinguished name of the certificate that signed it, if signed
 */
public record BinaryIdentity(String location, String symbolicName, String version, String contentSha256,
                             String manifestSha256, Optional<String> signer) {

    /**
     * @throws IllegalArgumentException if a digest is not 64 lowercase hex digits
     */
    public BinaryIdentity {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(symbolicName, "symbolicName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(signer, "signer");
        requireSha256(contentSha256, "content digest");
        requireSha256(manifestSha256, "manifest digest");
    }

    private static void requireSha256(String digest, String what) {
        if (digest == null || !digest.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(what + " must be 64 lowercase hex digits: " + digest);
        }
    }
}
