package io.vstack.disks.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.storage.BackendType;
import io.vstack.disks.internal.DiskAdmin;
import java.util.List;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code disk:create}: creates a thin virtual disk. */
@Service
@Command(scope = "disk", name = "create", description = "Creates a virtual disk (thin: it takes space as it is written)")
public class DiskCreateCommand implements Action {

    @Reference
    DiskAdmin disks;

    @Option(name = "--size", description = "Capacity, e.g. 10G (default 10G)")
    String size = "10G";

    @Option(name = "--backend", description = "Storage backend (default local)")
    @Completion(BackendCompleter.class)
    String backend = "local";

    @Option(name = "--host", description = "Owner host, whose filter framework runs the disk's chain (default: the first host)")
    @Completion(HostNameCompleter.class)
    String host;

    @Option(name = "--block-size", description = "Block size, a power of two from 512 to 1M (default 4096)")
    String blockSize = "4096";

    @Argument(index = 0, name = "name", description = "The disk's name: letters, digits, '.', '_' or '-'", required = true)
    String name;

    @Override
    public Object execute() throws Exception {
        long capacity = ByteSize.parse(size).bytes();
        long block = ByteSize.parse(blockSize).bytes();
        if (block > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("block size " + blockSize + " must be a power of two from 512 to 1M");
        }
        BackendType type = BackendType.parse(backend);
        String owner = ownerOrFirstHost(disks, host);
        DiskSpec spec = new DiskSpec(name, capacity, (int) block, type, owner, Optional.empty());
        disks.create(spec);
        System.out.println("Created disk " + name + ": " + ByteSize.ofBytes(capacity) + ", block size " + block
                + ", backend " + type.id() + ", owner " + owner);
        return null;
    }

    /** {@code host} if given, else the first host present (the default owner of a new disk). */
    static String ownerOrFirstHost(DiskAdmin disks, String host) {
        if (host != null) {
            return host;
        }
        List<String> hosts = disks.hostNames();
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("no hosts: add etc/io.vstack.hw.host-<name>.cfg first");
        }
        return hosts.get(0);
    }
}
