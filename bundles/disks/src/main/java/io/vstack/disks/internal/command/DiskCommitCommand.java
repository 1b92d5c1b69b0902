package io.vstack.disks.internal.command;

import io.vstack.disks.internal.DiskAdmin;
import io.vstack.support.ProgressLine;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code disk:commit <disk>}: merges a differencing disk's blocks into its parent. */
@Service
@Command(scope = "disk", name = "commit", description = "Merges a differencing disk's own blocks into its parent; the disk stays, "
        + "empty, reading through to the parent (refused if the parent has other children)")
public class DiskCommitCommand implements Action {

    @Reference
    DiskAdmin disks;

    @Option(name = "--quiet", description = "No progress line")
    boolean quiet;

    @Argument(index = 0, name = "disk", description = "The differencing disk", required = true)
    @Completion(DiskCompleter.class)
    String diskName;

    @Override
    public Object execute() throws Exception {
        String parent = disks.chain(diskName).stream().skip(1).findFirst().orElse("-");
        ProgressLine progress = new ProgressLine(System.out, !quiet);
        long blocks = disks.commit(diskName, (merged, scanned, total) -> progress.update(() -> String.format(Locale.ROOT,
                "%,d block(s) copied into %s; at block %,d of %,d (%.0f%%)", merged, parent, scanned, total, 100.0 * scanned / total)));
        progress.end();
        System.out.println("Committed " + blocks + " block(s) of disk " + diskName + " into " + parent + "; " + diskName
                + " is empty and reads through to it");
        return null;
    }
}
