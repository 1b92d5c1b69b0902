package io.vstack.trust.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipFile;
import jdk.security.jarsigner.JarSigner;

/** Real bundle jars and real signatures for tests: keys from the JDK's keytool, signatures by the JarSigner API. */
final class TestJars {

    private TestJars() {
    }

    /** A small bundle jar. */
    static byte[] bundle(String symbolicName, String version, String payload) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName + ";singleton:=true");
        main.putValue("Bundle-Version", version);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            out.putNextEntry(new JarEntry("io/example/Payload.txt"));
            out.write(payload.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new JarEntry("OSGI-INF/data.txt"));
            out.write(("data of " + symbolicName).getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return bytes.toByteArray();
    }

    /** A key pair and self-signed certificate made by {@code keytool -genkeypair}. */
    record Key(PrivateKey privateKey, X509Certificate certificate, Path pem) {
    }

    static Key key(Path dir, String alias, String dname) throws Exception {
        Path store = dir.resolve(alias + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
                "-dname", dname);
        Path pem = dir.resolve(alias + ".pem");
        run(keytool, "-exportcert", "-rfc", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass",
                "changeit", "-alias", alias, "-file", pem.toString());
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, "changeit".toCharArray());
        }
        return new Key((PrivateKey) keyStore.getKey(alias, "changeit".toCharArray()),
                (X509Certificate) keyStore.getCertificate(alias), pem);
    }

    /** {@code jar} signed with {@code key}. */
    static byte[] sign(byte[] jar, Key key, Path dir) throws Exception {
        Path unsigned = Files.createTempFile(dir, "unsigned", ".jar");
        Files.write(unsigned, jar);
        JarSigner signer = new JarSigner.Builder(key.privateKey(),
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(key.certificate()))).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipFile zip = new ZipFile(unsigned.toFile())) {
            signer.sign(zip, out);
        }
        return out.toByteArray();
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
