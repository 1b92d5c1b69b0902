package io.vstack.disks.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.storage.BackendType;
import io.vstack.disks.internal.DiskAdmin;
import io.vstack.disks.internal.content.ContentBackend;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

/**
 * {@code disk:content-create <name> --app-disk <d> [--files <paths>]}: a dynamic content disk, a
 * FAT32 volume synthesized from the app set on an app disk, with a writable differencing child.
 */
@Service
@Command(scope = "disk", name = "content-create", description = "Creates a dynamic content disk: a FAT32 volume synthesized from "
        + "the app set on an app disk (its files' clusters read from the app disk), with writes going to a differencing child")
public class DiskContentCreateCommand implements Action {

    @Reference
    DiskAdmin disks;

    @Reference
    ContentBackend content;

    @Option(name = "--app-disk", description = "The app disk (any backend) that holds or receives the app set", required = true)
    @Completion(DiskCompleter.class)
    String appDisk;

    @Option(name = "--files", description = "Host files and directories to copy onto the app disk, comma separated (one "
            + "directory alone becomes the volume's root); without it the app set the app disk holds is reused")
    @Completion(FileCompleter.class)
    String files;

    @Option(name = "--backend", description = "Backend of the writable child (default local)")
    @Completion(BackendCompleter.class)
    String backend = "local";

    @Option(name = "--host", description = "Owner host (default: the first host)")
    @Completion(HostNameCompleter.class)
    String host;

    @Option(name = "--free", description = "Free space on the volume for the guest's writes, e.g. 64M (default 64M)")
    String free = "64M";

    @Argument(index = 0, name = "name", description = "The content disk's name; its read-only base is <name>.fat", required = true)
    String name;

    @Override
    public Object execute() throws Exception {
        long freeBytes = ByteSize.parse(free).bytes();
        BackendType type = BackendType.parse(backend);
        String owner = DiskCreateCommand.ownerOrFirstHost(disks, host);
        List<Path> paths = files == null ? List.of()
                : Arrays.stream(files.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList();
        if (files != null && paths.isEmpty()) {
            throw new IllegalArgumentException("--files names no file");
        }
        ContentBackend.Created c = content.createContentDisk(name, appDisk, paths, owner, type, freeBytes);
        System.out.println("Created content disk " + c.name() + " (writable, backend " + type.id() + ") over " + c.base()
                + " (FAT32, " + ByteSize.ofBytes(c.volumeBytes()) + "): " + c.files() + " files, " + c.directories()
                + " directories, " + ByteSize.ofBytes(c.fileBytes()) + (c.copied() ? " copied onto" : " reused from")
                + " app disk " + c.appDisk() + "; synthesized in " + String.format(Locale.ROOT, "%.1f ms", c.synthesisNanos() / 1e6));
        return null;
    }
}
