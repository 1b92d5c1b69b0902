package io.vstack.vm.internal;

import io.vstack.support.StoreFiles;
import io.vstack.api.net.VmInterface;
import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.WorkloadPattern;
import io.vstack.api.vm.WorkloadSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VM inventory on disk: one readable, versioned file {@code <name>.vm} per VM (Java
 * properties, {@code format = vstack-vm/1}), written crash-safely: a temporary file, fsync,
 * atomic rename, fsync of the directory. A file that cannot be read is skipped with one log line.
 * <p>Not thread-safe: the VM manager serializes its calls.
 */
final class VmStore {

    static final String FORMAT = "vstack-vm/1";
    private static final Logger LOG = LoggerFactory.getLogger(VmStore.class);
    private static final String SUFFIX = ".vm";

    private final Path dir;

    VmStore(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** Writes (or replaces) the VM's file. */
    void save(VmSpec spec) {
        Properties p = new Properties();
        p.setProperty("format", FORMAT);
        p.setProperty("name", spec.name());
        p.setProperty("host", spec.host());
        p.setProperty("memory", Long.toString(spec.memory()));
        p.setProperty("vcpus", Integer.toString(spec.vcpus()));
        p.setProperty("disks", String.join(",", spec.disks()));
        p.setProperty("nics", Integer.toString(spec.interfaces().size()));
        for (int i = 0; i < spec.interfaces().size(); i++) {
            VmInterface nic = spec.interfaces().get(i);
            p.setProperty("nic." + i + ".eni", nic.eniId());
            p.setProperty("nic." + i + ".mac", nic.mac());
            p.setProperty("nic." + i + ".network", nic.network());
            p.setProperty("nic." + i + ".addresses", String.join(",", nic.addresses()));
        }
        WorkloadSpec w = spec.workload();
        p.setProperty("workload.dirtyRate", Long.toString(w.dirtyRateBytesPerSecond()));
        p.setProperty("workload.workingSet", Long.toString(w.workingSetBytes()));
        p.setProperty("workload.pattern", w.pattern().name());
        p.setProperty("workload.zipfExponent", Double.toString(w.zipfExponent()));
        p.setProperty("workload.writeSize", Integer.toString(w.writeSize()));
        p.setProperty("workload.zeroFraction", Double.toString(w.zeroFraction()));
        p.setProperty("workload.heartbeatNanos", Long.toString(w.heartbeat().toNanos()));
        try {
            Files.createDirectories(dir);
            StoreFiles.writeAtomically(dir.resolve(spec.name() + SUFFIX), p,
                    "vstack VM " + spec.name() + " (written by io.vstack.vm; memory contents are not kept)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the inventory file of VM " + spec.name() + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Removes the VM's file, if any. */
    void delete(String name) {
        try {
            StoreFiles.deleteDurably(dir.resolve(name + SUFFIX));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the inventory file of VM " + name + ": " + e.getMessage(), e);
        }
    }

    /** Every readable VM file, by name. */
    List<VmSpec> loadAll() {
        List<VmSpec> specs = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return specs;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : files) {
                try {
                    specs.add(load(file));
                } catch (IOException | RuntimeException e) {
                    LOG.error("VM inventory file {} skipped: {}", file, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.error("VM inventory {} unreadable: {}", dir, e.getMessage());
        }
        return specs;
    }

    static VmSpec load(Path file) throws IOException {
        Properties p = StoreFiles.readProperties(file);
        if (!FORMAT.equals(p.getProperty("format"))) {
            throw new IllegalArgumentException("unknown format '" + p.getProperty("format") + "' (expected " + FORMAT + ")");
        }
        List<VmInterface> nics = new ArrayList<>();
        int count = Integer.parseInt(required(p, "nics"));
        for (int i = 0; i < count; i++) {
            nics.add(new VmInterface(required(p, "nic." + i + ".eni"), required(p, "nic." + i + ".mac"),
                    required(p, "nic." + i + ".network"), split(p.getProperty("nic." + i + ".addresses", ""))));
        }
        WorkloadSpec workload = new WorkloadSpec(
                Long.parseLong(required(p, "workload.dirtyRate")),
                Long.parseLong(required(p, "workload.workingSet")),
                WorkloadPattern.valueOf(required(p, "workload.pattern")),
                Double.parseDouble(required(p, "workload.zipfExponent")),
                Integer.parseInt(required(p, "workload.writeSize")),
                Double.parseDouble(required(p, "workload.zeroFraction")),
                Duration.ofNanos(Long.parseLong(required(p, "workload.heartbeatNanos"))));
        return new VmSpec(required(p, "name"), required(p, "host"), Long.parseLong(required(p, "memory")),
                Integer.parseInt(required(p, "vcpus")), split(p.getProperty("disks", "")), nics, workload);
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("key '" + key + "' is missing");
        }
        return value;
    }

    private static List<String> split(String value) {
        return value.isBlank() ? List.of() : Arrays.stream(value.split(",")).map(String::trim).toList();
    }
}
