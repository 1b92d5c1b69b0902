package io.vstack.api.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Checks a FAT image with independent tools, Debian's {@code dosfstools} ({@code fsck.fat -n})
 * and {@code mtools} ({@code mdir}, {@code mcopy}): the image must pass the file system check
 * without a single complaint, list, and copy out to a tree equal to the expected one, every file
 * byte-identical. Fails (never skips) when the tools are missing, naming the packages.
 */
public final class FatImages {

    private static final long TIMEOUT_MINUTES = 10;
    /** Debian installs it in /usr/sbin, which a user's PATH may lack. */
    private static final String FSCK = Files.isExecutable(Path.of("/usr/sbin/fsck.fat")) ? "/usr/sbin/fsck.fat" : "fsck.fat";

    private FatImages() {
    }

    /** What a tool printed and how it ended. */
    public record Run(int exitCode, String output) {
    }

    /**
     * Asserts that {@code image} is a clean FAT file system whose content equals the tree under
     * {@code expected}; copies it out under {@code scratch} (which must not exist).
     *
     * @return fsck.fat's summary line ({@code <image>: <files> files, <used>/<total> clusters})
     */
    public static String assertHolds(Path image, Path expected, Path scratch) throws IOException, InterruptedException {
        String summary = assertClean(image);
        copyOut(image, scratch, hasChildren(expected));
        assertSameTree(expected, scratch);
        return summary;
    }

    /**
     * Asserts that {@code fsck.fat -n} finds nothing to complain about in {@code image} and that
     * {@code mdir} lists its root.
     *
     * @return fsck.fat's summary line ({@code <image>: <files> files, <used>/<total> clusters})
     */
    public static String assertClean(Path image) throws IOException, InterruptedException {
        Run fsck = run(FSCK, "-n", image.toString());
        String[] lines = fsck.output().strip().split("\n");
        // A clean check prints its version and one summary line; every complaint adds lines.
        if (fsck.exitCode() != 0 || lines.length != 2) {
            throw new AssertionError("fsck.fat -n found problems (exit " + fsck.exitCode() + "):\n" + tail(fsck.output()));
        }
        Run mdir = run("mdir", "-i", image.toString(), "::/");
        if (mdir.exitCode() != 0) {
            throw new AssertionError("mdir failed (exit " + mdir.exitCode() + "):\n" + tail(mdir.output()));
        }
        return lines[1];
    }

    /** Copies the whole volume out with {@code mcopy -s} into {@code scratch}, which it creates. */
    public static void copyOut(Path image, Path scratch, boolean volumeHoldsFiles) throws IOException, InterruptedException {
        Files.createDirectories(scratch);
        Run mcopy = run("mcopy", "-s", "-n", "-i", image.toString(), "::/*", scratch.toString());
        if (mcopy.exitCode() != 0 && volumeHoldsFiles) {
            throw new AssertionError("mcopy failed (exit " + mcopy.exitCode() + "):\n" + tail(mcopy.output()));
        }
    }

    private static boolean hasChildren(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }

    /** Asserts that two trees hold the same directories and files, with the same bytes. */
    public static void assertSameTree(Path expected, Path actual) throws IOException {
        Map<String, Path> want = tree(expected);
        Map<String, Path> got = tree(actual);
        if (!want.keySet().equals(got.keySet())) {
            List<String> missing = new ArrayList<>(want.keySet());
            missing.removeAll(got.keySet());
            List<String> extra = new ArrayList<>(got.keySet());
            extra.removeAll(want.keySet());
            throw new AssertionError("the trees differ: missing " + first(missing) + ", unexpected " + first(extra));
        }
        for (Map.Entry<String, Path> e : want.entrySet()) {
            Path a = e.getValue();
            Path b = got.get(e.getKey());
            if (Files.isDirectory(a) != Files.isDirectory(b)) {
                throw new AssertionError(e.getKey() + ": a directory on one side only");
            }
            if (!Files.isDirectory(a) && Files.mismatch(a, b) != -1) {
                throw new AssertionError(e.getKey() + ": bytes differ at " + Files.mismatch(a, b) + " (" + Files.size(a) + " vs "
                        + Files.size(b) + " bytes)");
            }
        }
    }

    private static String first(List<String> names) {
        return names.size() <= 5 ? names.toString() : names.subList(0, 5) + " and " + (names.size() - 5) + " more";
    }

    private static Map<String, Path> tree(Path root) throws IOException {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root)).forEach(p -> out.put(root.relativize(p).toString(), p));
        }
        return out;
    }

    /** Runs a tool (UTF-8 locale, mtools' own checks on), waits for it, and returns what it printed. */
    public static Run run(String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Arrays.asList(command)).redirectErrorStream(true);
        builder.environment().put("LC_ALL", "C.UTF-8");
        builder.environment().put("MTOOLSRC", "/dev/null");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError(command[0] + " is not installed: apt-get install -y dosfstools mtools", e);
        }
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end in " + TIMEOUT_MINUTES + " minutes");
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static String tail(String output) {
        return output.length() <= 4000 ? output : "..." + output.substring(output.length() - 4000);
    }
}
