package io.vstack.memory.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.UserText;
import io.vstack.api.memory.HandleBroker;
import io.vstack.api.memory.MemoryRegion;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code mem:region-create}: a shared memory region owned by a name, to grant from the shell. */
@Service
@Command(scope = "mem", name = "region-create", description = "Creates a shared memory region (a sparse file, mode 0600)")
public class RegionCreateCommand implements Action {

    @Reference
    HandleBroker broker;

    @Option(name = "--owner", description = "Who owns the region and may grant it (default: shell)")
    String owner = "shell";

    @Argument(index = 0, name = "size", description = "Size, e.g. 64M (a multiple of 4096)", required = true)
    String size;

    @Override
    public Object execute() throws Exception {
        long bytes;
        try {
            bytes = ByteSize.parse(size).bytes();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("size " + UserText.quote(size) + ": " + e.getMessage());
        }
        MemoryRegion r = broker.createRegion(owner, bytes);
        System.out.println("Created region " + r.id() + " of " + ByteSize.ofBytes(r.size()).toHumanString()
                + " owned by " + UserText.quote(owner) + " at " + r.file());
        return null;
    }
}
