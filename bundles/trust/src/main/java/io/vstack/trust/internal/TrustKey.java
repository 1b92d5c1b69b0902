package io.vstack.trust.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 key that protects the trust store: 32 random bytes, hex, in a file readable by
 * the owner only. Never logged, never printed.
 */
final class TrustKey {

    private static final int KEY_BYTES = 32;
    private final SecretKeySpec key;

    private TrustKey(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /** Whether the key file exists. */
    static boolean exists(Path file) {
        return Files.exists(file);
    }

    /**
     * Reads the key from {@code file}.
     *
     * @throws IOException naming the file if it cannot be read or does not hold a key
     */
    static TrustKey load(Path file) throws IOException {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IOException("its key file " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (!text.matches("[0-9a-f]{" + (2 * KEY_BYTES) + "}")) {
            throw new IOException("its key file " + file + " is damaged: it does not hold " + KEY_BYTES + " hex bytes");
        }
        return new TrustKey(Sha256.unhex(text));
    }

    /** Creates {@code file} with a new random key, permissions 0600, and returns the key. */
    static TrustKey create(Path file) throws IOException {
        byte[] bytes = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(bytes);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        try {
            FileAttribute<Set<PosixFilePermission>> attribute = PosixFilePermissions.asFileAttribute(ownerOnly);
            Files.createFile(file, attribute);
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
            file.toFile().setReadable(false, false);
            file.toFile().setReadable(true, true);
            file.toFile().setWritable(false, false);
            file.toFile().setWritable(true, true);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("key file " + file + " appeared while creating it; not overwriting it", e);
        }
        Files.writeString(file, Sha256.hex(bytes) + "\n", StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
                StandardOpenOption.SYNC);
        return new TrustKey(bytes);
    }

    /** HMAC-SHA256 of {@code text} (UTF-8), lowercase hex. */
    String mac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return Sha256.hex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "TrustKey[hidden]";
    }
}
