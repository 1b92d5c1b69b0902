package io.vstack.api.vm;

import io.vstack.api.UserText;
import io.vstack.api.net.VmInterface;
import io.vstack.api.storage.StoreSpec;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What to create a VM with.
 *
 * @param name       the VM's id: letters, digits, {@code . _ -}, unique in the datacenter
 * @param host       the host it runs on
 * @param memory     guest memory in bytes, a positive multiple of the host's page size (4 KiB)
 * @param vcpus      number of vCPUs (1 to 64)
 * @param disks      ids of its virtual disks, each once (on shared storage; never copied by a migration,
 *                   their ownership moves with the VM)
 * @param interfaces its network interfaces
 * @param workload   what its guest does
 */
public record VmSpec(String name, String host, long memory, int vcpus, List<String> disks,
                     List<VmInterface> interfaces, WorkloadSpec workload) {

    /** Page size of guest memory: 4 KiB, the host's frame size. */
    public static final int PAGE_SIZE = 4096;

    /**
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public VmSpec {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(workload, "workload");
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("invalid VM name " + UserText.quote(name)
                    + ": use letters, digits, '.', '_' or '-' (at most 64, not starting with a symbol)");
        }
        if (memory <= 0 || memory % PAGE_SIZE != 0) {
            throw new IllegalArgumentException("memory " + memory + " must be a positive multiple of " + PAGE_SIZE);
        }
        if (vcpus < 1 || vcpus > 64) {
            throw new IllegalArgumentException("vcpus " + vcpus + " must be from 1 to 64");
        }
        disks = List.copyOf(disks);
        for (String disk : disks) {
            StoreSpec.requireValidName("disk name", disk);
        }
        if (Set.copyOf(disks).size() != disks.size()) {
            throw new IllegalArgumentException("VM " + name + " names a disk twice: " + disks);
        }
        interfaces = List.copyOf(interfaces);
    }

    /** Number of guest pages. */
    public long pages() {
        return memory / PAGE_SIZE;
    }

    /** This spec on another host. */
    public VmSpec onHost(String otherHost) {
        return new VmSpec(name, otherHost, memory, vcpus, disks, interfaces, workload);
    }

    /** This spec with another workload. */
    public VmSpec withWorkload(WorkloadSpec other) {
        return new VmSpec(name, host, memory, vcpus, disks, interfaces, other);
    }
}
