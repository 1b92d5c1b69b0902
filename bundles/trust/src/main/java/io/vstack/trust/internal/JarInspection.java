package io.vstack.trust.internal;

import io.vstack.api.trust.BinaryIdentity;
import io.vstack.api.trust.TrustException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.slf4j.LoggerFactory;

/**
 * What a jar's bytes say about it: digests, bundle name and version, and (when asked) who signed
 * every entry. Signatures are checked with {@code JarFile(file, true)}: every entry is read in
 * full so that the JDK verifies its digest against the signature, and every entry outside
 * {@code META-INF/} must carry the same signer.
 *
 * @param symbolicName   Bundle-SymbolicName without directives
 * @param version        Bundle-Version, {@code 0.0.0} if absent
 * @param contentSha256  SHA-256 of the whole jar
 * @param manifestSha256 SHA-256 of the raw META-INF/MANIFEST.MF bytes
 * @param hasSignatureFiles whether the jar carries META-INF signature files
 */
record JarInspection(String symbolicName, String version, String contentSha256, String manifestSha256,
                     boolean hasSignatureFiles) {

    static final String MANIFEST = "META-INF/MANIFEST.MF";

    /**
     * Reads digests and bundle headers from the jar's bytes, taking the manifest and entry names
     * from the central directory of {@code file} (no inflating of every entry) when the bytes were
     * just read from it. No signature check.
     */
    static JarInspection of(byte[] jar, Path file) throws TrustException {
        String contentSha = Sha256.of(jar);
        byte[] manifest = null;
        boolean signatureFiles = false;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.getName().equalsIgnoreCase(MANIFEST)) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        manifest = in.readAllBytes();
                    }
                } else if (isSignatureFile(entry.getName())) {
                    signatureFiles = true;
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new TrustException("not a readable jar: " + Signers.oneLine(e.getMessage()), e);
        }
        return from(contentSha, manifest, signatureFiles);
    }

    /** Reads digests and bundle headers from the jar's bytes (no signature check). */
    static JarInspection of(byte[] jar) throws TrustException {
        String contentSha = Sha256.of(jar);
        byte[] manifest = null;
        boolean signatureFiles = false;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                String name = entry.getName();
                if (name.equalsIgnoreCase(MANIFEST)) {
                    manifest = zip.readAllBytes();
                } else if (isSignatureFile(name)) {
                    signatureFiles = true;
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new TrustException("not a readable jar: " + Signers.oneLine(e.getMessage()), e);
        }
        return from(contentSha, manifest, signatureFiles);
    }

    private static JarInspection from(String contentSha, byte[] manifest, boolean signatureFiles) throws TrustException {
        if (manifest == null) {
            throw new TrustException("not an OSGi bundle: the jar has no " + MANIFEST);
        }
        Attributes main = parse(manifest).getMainAttributes();
        String name = main.getValue("Bundle-SymbolicName");
        if (name == null || name.isBlank()) {
            throw new TrustException("not an OSGi bundle: no Bundle-SymbolicName in its manifest");
        }
        String version = main.getValue("Bundle-Version");
        return new JarInspection(name.split(";", 2)[0].trim(), version == null ? "0.0.0" : version.trim(), contentSha,
                Sha256.of(manifest), signatureFiles);
    }

    /** SHA-256 of the raw manifest bytes of a bundle entry stream, as {@link #manifestSha256}. */
    static String manifestDigest(InputStream manifest) throws IOException {
        return Sha256.of(manifest);
    }

    /** The identity of this jar installed from {@code location}, with the signer found, if any. */
    BinaryIdentity identity(String location, Optional<String> signer) {
        return new BinaryIdentity(location, symbolicName, version, contentSha256, manifestSha256, signer);
    }

    static boolean isSignatureFile(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (!upper.startsWith("META-INF/") || upper.indexOf('/', 9) >= 0) {
            return false;
        }
        return upper.endsWith(".SF") || upper.endsWith(".RSA") || upper.endsWith(".DSA") || upper.endsWith(".EC");
    }

    private static Manifest parse(byte[] manifest) throws TrustException {
        try {
            return new Manifest(new ByteArrayInputStream(manifest));
        } catch (IOException e) {
            throw new TrustException("unreadable manifest: " + Signers.oneLine(e.getMessage()), e);
        }
    }

    /**
     * Verifies the signatures of the jar at {@code file} and returns the end-entity certificates
     * of the signers that signed every entry outside META-INF/ (empty if it is unsigned).
     *
     * @throws TrustException if a signature does not verify, or only some entries are signed
     */
    static List<X509Certificate> signers(Path file) throws TrustException {
        Map<String, X509Certificate> common = null;
        String unsigned = null;
        boolean anySigned = false;
        byte[] sink = new byte[64 * 1024];
        try (JarFile jar = new JarFile(file.toFile(), true)) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                try (InputStream in = jar.getInputStream(entry)) {
                    while (in.read(sink) >= 0) {
                        // reading to the end makes the JDK check the entry against its signature
                    }
                }
                if (entry.isDirectory() || entry.getName().toUpperCase(Locale.ROOT).startsWith("META-INF/")) {
                    continue;
                }
                CodeSigner[] signers = entry.getCodeSigners();
                if (signers == null || signers.length == 0) {
                    if (unsigned == null) {
                        unsigned = entry.getName();
                    }
                    common = Map.of();
                    continue;
                }
                anySigned = true;
                Map<String, X509Certificate> these = new LinkedHashMap<>();
                for (CodeSigner signer : signers) {
                    List<? extends Certificate> chain = signer.getSignerCertPath().getCertificates();
                    if (!chain.isEmpty() && chain.get(0) instanceof X509Certificate endEntity) {
                        these.put(Signers.fingerprint(endEntity), endEntity);
                    }
                }
                if (common == null) {
                    common = these;
                } else {
                    common = new LinkedHashMap<>(common);
                    common.keySet().retainAll(these.keySet());
                }
            }
        } catch (SecurityException e) {
            throw new TrustException("jar signature does not verify: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new TrustException("not a readable jar: " + Signers.oneLine(e.getMessage()), e);
        }
        if (!anySigned) {
            return List.of();
        }
        if (unsigned != null) {
            throw new TrustException("jar is only partly signed: entry " + unsigned + " carries no signature");
        }
        if (common == null || common.isEmpty()) {
            throw new TrustException("no single signer signed every entry of the jar");
        }
        return new ArrayList<>(common.values());
    }

    /** Like {@link #signers(Path)} for bytes in memory (written to a temporary file in {@code tmpDir}). */
    static List<X509Certificate> signers(byte[] jar, Path tmpDir) throws TrustException {
        Path file = null;
        try {
            Files.createDirectories(tmpDir);
            file = Files.createTempFile(tmpDir, "verify-", ".jar");
            Files.write(file, jar);
            return signers(file);
        } catch (IOException e) {
            throw new TrustException("cannot write a temporary copy to verify its signature: " + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LoggerFactory.getLogger(JarInspection.class).debug("temporary file {} not deleted", file, e);
                }
            }
        }
    }

    static byte[] readAll(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
            if (total > limit) {
                throw new IOException("larger than " + (limit >> 20) + " MiB");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
