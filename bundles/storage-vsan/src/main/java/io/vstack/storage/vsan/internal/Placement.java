package io.vstack.storage.vsan.internal;

import io.vstack.api.ByteSize;
import io.vstack.api.hw.BlockDevice;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.storage.BackendUnavailableException;
import io.vstack.api.storage.CapacityExceededException;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the hosts of a new object's replicas: member hosts whose {@code local0} is up and has
 * room beside the capacity the cluster's records already reserve there, least reserved first
 * (then by name, so placement is deterministic).
 */
final class Placement {

    private final HostRegistry hosts;
    private final List<String> members;
    private final int replicaCount;

    /** @param members the member hosts; empty: every configured host */
    Placement(HostRegistry hosts, List<String> members, int replicaCount) {
        this.hosts = hosts;
        this.members = List.copyOf(members);
        this.replicaCount = replicaCount;
    }

    /** The names of the member hosts, configured or not. */
    List<String> memberNames() {
        return members.isEmpty() ? hosts.hosts().stream().map(Host::name).toList() : members;
    }

    /**
     * The {@code replicaCount} hosts for an object of {@code spec}, given what each host has reserved.
     *
     * @throws CapacityExceededException if too few hosts are up and some lacked room
     * @throws BackendUnavailableException if too few hosts are up
     */
    List<Host> choose(StoreSpec spec, Map<String, Long> reserved) throws StorageException {
        List<Host> up = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        boolean spaceShort = false;
        for (Host host : memberHosts()) {
            Optional<BlockDevice> device = host.blockDevice(VsanBackend.DEVICE);
            if (device.isEmpty()) {
                refused.add(host.name() + ": no " + VsanBackend.DEVICE);
                continue;
            }
            try {
                device.get().simulation().beforeOperation("vsan create");
            } catch (Exception e) {
                refused.add(e.getMessage());
                continue;
            }
            long free = device.get().capacity() - reserved.getOrDefault(host.name(), 0L);
            if (free < spec.capacity()) {
                refused.add(host.name() + ": " + ByteSize.ofBytes(Math.max(0, free)).toHumanString() + " free");
                spaceShort = true;
                continue;
            }
            up.add(host);
        }
        if (up.size() < replicaCount) {
            String message = "vsan: cannot place object " + spec.id() + " of "
                    + ByteSize.ofBytes(spec.capacity()).toHumanString() + ": it needs " + replicaCount
                    + " hosts with room, " + up.size() + " have it" + (refused.isEmpty() ? "" : " (" + String.join("; ", refused) + ")");
            throw spaceShort ? new CapacityExceededException(message) : new BackendUnavailableException(message);
        }
        up.sort(Comparator.comparingLong((Host h) -> reserved.getOrDefault(h.name(), 0L)).thenComparing(Host::name));
        return List.copyOf(up.subList(0, replicaCount));
    }

    /** Capacity reserved per host by the objects {@code descriptors} describe. */
    static Map<String, Long> reservedPerHost(Iterable<VsanDescriptor> descriptors) {
        Map<String, Long> reserved = new HashMap<>();
        for (VsanDescriptor descriptor : descriptors) {
            descriptor.replicas().forEach(h -> reserved.merge(h, descriptor.capacity(), Long::sum));
        }
        return reserved;
    }

    private List<Host> memberHosts() {
        if (members.isEmpty()) {
            return hosts.hosts();
        }
        return members.stream().map(hosts::host).flatMap(Optional::stream).toList();
    }
}
