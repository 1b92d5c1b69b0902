package io.vstack.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs fio, the peer of the data-path and backend benchmarks, and reads its JSON figures. */
public final class Fio {

    /** What one fio job measured: operations per second, MiB/s and the p50 completion latency in µs. */
    public record Result(double iops, double mibPerSecond, double p50Micros) {
    }

    private Fio() {
    }

    /** Installs fio ({@code apt-get install -y fio}) if it is missing; returns its version line. */
    public static String ensureInstalled() throws IOException, InterruptedException {
        try {
            return exec(List.of("fio", "--version")).trim();
        } catch (IOException e) {
            System.out.println("fio is missing: apt-get install -y fio");
        }
        exec(List.of("apt-get", "install", "-y", "fio"));
        return exec(List.of("fio", "--version")).trim();
    }

    /**
     * One time-based psync job group on {@code file}.
     *
     * @param rw      fio's {@code --rw}: randread, randwrite, read, write
     * @param direct  {@code O_DIRECT} or through the page cache
     * @param jobs    {@code --numjobs}, reported as a group; with {@code splitFile}, job i works on the
     *                i-th slice of {@code size / jobs} bytes (as the vstack harnesses' threads do)
     */
    public static Result run(Path file, long size, String rw, int blockSize, boolean direct, int jobs, boolean splitFile,
                             int seconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("fio", "--name=vstack-peer", "--filename=" + file,
                "--direct=" + (direct ? 1 : 0), "--ioengine=psync", "--iodepth=1", "--numjobs=" + jobs, "--group_reporting",
                "--rw=" + rw, "--bs=" + blockSize, "--runtime=" + seconds, "--time_based", "--randrepeat=0",
                "--output-format=json"));
        if (!direct) {
            // fio drops the file's pages from the page cache before a buffered job by default; the
            // vstack side reads through a warm page cache, so fio must too.
            command.add("--invalidate=0");
        }
        if (splitFile) {
            command.add("--size=" + size / jobs);
            command.add("--offset_increment=" + size / jobs);
        } else {
            command.add("--size=" + size);
        }
        String json = exec(command);
        String section = rw.contains("read") ? "read" : "write";
        Matcher iops = Pattern.compile("\"" + section + "\"\\s*:\\s*\\{[^{}]*?\"iops\"\\s*:\\s*([0-9.]+)").matcher(json);
        if (!iops.find()) {
            throw new IllegalStateException("no " + section + " iops in fio's output:\n" + json);
        }
        Matcher p50 = Pattern.compile("\"" + section + "\"\\s*:\\s*\\{.*?\"clat_ns\"\\s*:\\s*\\{.*?\"50\\.000000\"\\s*:\\s*([0-9]+)",
                Pattern.DOTALL).matcher(json);
        double ops = Double.parseDouble(iops.group(1));
        return new Result(ops, ops * blockSize / (1 << 20), p50.find() ? Long.parseLong(p50.group(1)) / 1e3 : Double.NaN);
    }

    /** Runs a command and returns its output; fails with the output if it fails or takes over 10 minutes. */
    public static String exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(command + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
