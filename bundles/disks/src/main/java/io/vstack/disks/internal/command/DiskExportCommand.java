package io.vstack.disks.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.UserText;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.disks.internal.DiskAdmin;
import io.vstack.disks.internal.DiskExport;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

/** {@code disk:export <disk> <file>}: writes a disk's bytes, read through its handle, to a raw image file. */
@Service
@Command(scope = "disk", name = "export", description = "Writes a disk's bytes, read through its filters and chain, to a raw "
        + "image file (sparse where the disk reads zeros)")
public class DiskExportCommand implements Action {

    @Reference
    DiskAdmin disks;

    @Argument(index = 0, name = "disk", description = "The disk", required = true)
    @Completion(DiskCompleter.class)
    String diskName;

    @Argument(index = 1, name = "file", description = "The image file to write (must not exist)", required = true)
    @Completion(FileCompleter.class)
    String file;

    @Override
    public Object execute() throws Exception {
        VirtualDisk disk = disks.disk(diskName).orElseThrow(() -> new IllegalArgumentException("no disk named "
                + UserText.quote(diskName) + "; disk:list shows the disks"));
        DiskExport.Exported done = DiskExport.export(disk, Path.of(file));
        System.out.println("Exported disk " + diskName + " to " + file + ": " + ByteSize.ofBytes(done.bytes()) + " ("
                + ByteSize.ofBytes(done.dataBytes()) + " not zero) in "
                + String.format(Locale.ROOT, "%.2f s", done.nanos() / 1e9));
        return null;
    }
}
