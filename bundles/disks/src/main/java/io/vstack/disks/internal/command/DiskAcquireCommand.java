package io.vstack.disks.internal.command;

import io.vstack.api.Durations;
import io.vstack.api.UserText;
import io.vstack.api.disk.DiskOwners;
import io.vstack.api.disk.OwnerRecord;
import java.time.Duration;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code disk:acquire <disk> <host>}: the host asks the owner to release the disk and takes it with the next epoch. */
@Service
@Command(scope = "disk", name = "acquire", description = "Makes a host the owner of a disk: asks the owner to release it "
        + "over the transport (it drains and flushes), or takes it over once an unreachable owner's lease has expired")
public class DiskAcquireCommand implements Action {

    @Reference
    DiskOwners owners;

    @Argument(index = 0, name = "disk", description = "The disk", required = true)
    @Completion(DiskCompleter.class)
    String diskName;

    @Argument(index = 1, name = "host", description = "The host that takes the disk", required = true)
    @Completion(HostNameCompleter.class)
    String host;

    @Option(name = "--timeout", description = "How long to wait for the owner's answer or its lease, e.g. 30s")
    String timeout = "30s";

    @Override
    public Object execute() throws Exception {
        Duration wait;
        try {
            wait = Durations.parse(timeout);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--timeout " + UserText.quote(timeout) + " is not a duration (e.g. 30s, 500ms)", e);
        }
        OwnerRecord before = owners.owner(diskName);
        long start = System.nanoTime();
        OwnerRecord after = owners.acquire(diskName, host, wait);
        long took = System.nanoTime() - start;
        if (after.epoch() == before.epoch()) {
            System.out.println("Disk " + diskName + ": owned by " + host + " already (epoch " + after.epoch() + ")");
        } else {
            System.out.println("Disk " + diskName + ": owned by " + host + " at epoch " + after.epoch() + " (was " + before.host()
                    + ", epoch " + before.epoch() + (before.released() ? ", released" : "") + ") in "
                    + Durations.format(Duration.ofMillis(Math.max(1, took / 1_000_000))));
        }
        return null;
    }
}
