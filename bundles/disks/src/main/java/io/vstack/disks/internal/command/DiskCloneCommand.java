package io.vstack.disks.internal.command;

import io.vstack.api.UserText;
import io.vstack.api.disk.DiskInfo;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.storage.BackendType;
import io.vstack.disks.internal.DiskAdmin;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code disk:clone <base> <name>}: a linked clone, a new differencing disk over {@code base}. */
@Service
@Command(scope = "disk", name = "clone", description = "Creates a linked clone: a new differencing disk that reads through to the base "
        + "(which becomes read-only) and takes its own writes; it may live on another backend and host")
public class DiskCloneCommand implements Action {

    @Reference
    DiskAdmin disks;

    @Option(name = "--backend", description = "Storage backend of the clone's own blocks (default: the base's)")
    @Completion(BackendCompleter.class)
    String backend;

    @Option(name = "--host", description = "Owner host of the clone (default: the base's owner)")
    @Completion(HostNameCompleter.class)
    String host;

    @Argument(index = 0, name = "base", description = "The disk to clone", required = true)
    @Completion(DiskCompleter.class)
    String baseName;

    @Argument(index = 1, name = "name", description = "The clone's name", required = true)
    String name;

    @Override
    public Object execute() throws Exception {
        VirtualDisk base = disks.disk(baseName).orElseThrow(() -> new IllegalArgumentException(
                "no disk named " + UserText.quote(baseName) + "; disk:list shows the disks"));
        DiskInfo info = base.info();
        BackendType type = BackendType.parse(backend != null ? backend : info.backend());
        String owner = host != null ? host : info.owner();
        disks.create(new DiskSpec(name, info.capacity(), info.blockSize(), type, owner, Optional.of(baseName)));
        System.out.println("Created linked clone " + name + " of " + baseName + " on backend " + type.id() + ", owner " + owner
                + " (chain " + String.join(" -> ", disks.chain(name)) + ")");
        return null;
    }
}
