import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Build step of the distribution (run by the JDK's source launcher after the assembly is built):
 * writes system/vstack-platform.sha256, the SHA-256 of every jar in the assembly's system/ folder
 * (Karaf's startup bundles and every feature bundle), in sha256sum format. The trust bundle
 * approves exactly these bytes as the platform. Usage: java PlatformDigests.java <assembly dir>
 */
public final class PlatformDigests {

    public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
        if (args.length != 1) {
            System.err.println("usage: java PlatformDigests.java <assembly directory>");
            System.exit(2);
        }
        Path system = Path.of(args[0], "system");
        if (!Files.isDirectory(system)) {
            System.err.println("no system/ folder in " + args[0]);
            System.exit(1);
        }
        List<Path> jars;
        try (Stream<Path> files = Files.walk(system)) {
            jars = files.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .sorted().collect(Collectors.toList());
        }
        StringBuilder out = new StringBuilder();
        out.append("# vstack platform bundles approved at build time: SHA-256 of every jar in system/ (sha256sum -c)\n");
        for (Path jar : jars) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(jar)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
            out.append(HexFormat.of().formatHex(digest.digest())).append("  ")
                    .append(system.relativize(jar).toString().replace('\\', '/')).append('\n');
        }
        Path manifest = system.resolve("vstack-platform.sha256");
        Path tmp = system.resolve("vstack-platform.sha256.tmp");
        Files.writeString(tmp, out, StandardCharsets.UTF_8);
        Files.move(tmp, manifest, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("PlatformDigests: " + jars.size() + " platform jars -> " + manifest);
    }
}
