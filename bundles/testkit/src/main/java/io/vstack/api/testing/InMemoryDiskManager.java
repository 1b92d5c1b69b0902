package io.vstack.api.testing;

import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskInfo;
import io.vstack.api.disk.DiskManager;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A {@link DiskManager} of {@link InMemoryDisk}s, for unit tests of code that finds disks by id.
 * Ignores backend, host and parent. Thread-safe.
 */
public final class InMemoryDiskManager implements DiskManager {

    private final Map<String, InMemoryDisk> disks = new ConcurrentSkipListMap<>();

    /** Adds an existing disk; returns it. */
    public InMemoryDisk add(InMemoryDisk disk) {
        disks.put(disk.id(), disk);
        return disk;
    }

    @Override
    public VirtualDisk create(DiskSpec spec) throws DiskException {
        InMemoryDisk disk = new InMemoryDisk(spec.name(), spec.capacity(), spec.blockSize());
        if (disks.putIfAbsent(spec.name(), disk) != null) {
            throw new DiskException("disk " + spec.name() + " already exists");
        }
        return disk;
    }

    @Override
    public Optional<VirtualDisk> disk(String id) {
        return Optional.ofNullable(disks.get(id));
    }

    @Override
    public List<DiskInfo> disks() {
        return disks.values().stream().map(InMemoryDisk::info).toList();
    }

    @Override
    public void delete(String id, boolean force) throws DiskException {
        InMemoryDisk disk = disks.remove(id);
        if (disk == null) {
            throw new DiskException("no disk named '" + id + "'");
        }
        disk.remove();
    }
}
