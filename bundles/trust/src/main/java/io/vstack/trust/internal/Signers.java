package io.vstack.trust.internal;

import io.vstack.api.trust.TrustException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.regex.Pattern;

/** X.509 helpers: reading a certificate file (PEM or DER), fingerprints, subject names. */
final class Signers {

    /** A {@code some.package.SomeException: } prefix of a wrapped cause's message, wherever it stands. */
    private static final Pattern JAVA_CLASS_PREFIX = Pattern.compile("(?:[a-z_][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");

    private Signers() {
    }

    /** SHA-256 of the certificate's DER encoding, lowercase hex. */
    static String fingerprint(X509Certificate certificate) {
        try {
            return Sha256.of(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** The subject distinguished name in RFC 2253 form. */
    static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }

    /** Reads exactly one X.509 certificate from a PEM or DER file. */
    static X509Certificate read(Path file) throws TrustException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TrustException("no such certificate file: " + file);
        } catch (IOException e) {
            throw new TrustException("cannot read certificate file " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file.toString());
    }

    /** Parses exactly one X.509 certificate from PEM or DER bytes; {@code source} names them in errors. */
    static X509Certificate parse(byte[] bytes, String source) throws TrustException {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            Collection<? extends java.security.cert.Certificate> certificates =
                    factory.generateCertificates(new ByteArrayInputStream(bytes));
            if (certificates.size() != 1) {
                throw new TrustException(source + " holds " + certificates.size()
                        + " certificates; give a file with exactly one X.509 certificate (PEM or DER)");
            }
            return (X509Certificate) certificates.iterator().next();
        } catch (CertificateException e) {
            throw new TrustException(source + " is not an X.509 certificate (PEM or DER): " + oneLine(e.getMessage()), e);
        }
    }

    static String oneLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        String line = (newline < 0 ? message : message.substring(0, newline)).strip();
        // A wrapped cause's message carries its class name ("java.io.IOException: Incomplete data"):
        // the user needs the reason, not the class.
        String reason = JAVA_CLASS_PREFIX.matcher(line).replaceAll("");
        return reason.isBlank() ? line : reason;
    }

}
