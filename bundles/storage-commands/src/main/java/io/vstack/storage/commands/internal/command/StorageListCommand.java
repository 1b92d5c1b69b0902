package io.vstack.storage.commands.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.storage.BackendStatus;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.StorageBackend;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code storage:list [type]}: the installed storage backends, their capacity, use and health. */
@Service
@Command(scope = "storage", name = "list", description = "Lists the storage backends with their capacity, use and health")
public class StorageListCommand implements Action {

    @Reference(optional = true)
    List<StorageBackend> backends;

    @Argument(index = 0, name = "type", description = "Only this type of backend: san, nfs, vsan, cloud, local, shared, or a type a third-party backend names")
    @Completion(value = StringsCompleter.class, values = {"san", "nfs", "vsan", "cloud", "local", "shared"})
    String type;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        BackendType only = type == null ? null : BackendType.parse(type);
        List<BackendStatus> rows = new ArrayList<>();
        for (StorageBackend backend : backends == null ? List.<StorageBackend>of() : backends) {
            if (only == null || backend.type().equals(only)) {
                rows.add(backend.status());
            }
        }
        rows.sort(Comparator.comparing((BackendStatus s) -> s.type().rank())
                .thenComparing((BackendStatus s) -> s.type().id())
                .thenComparing(BackendStatus::name));
        ShellTable table = new ShellTable().emptyTableText(only == null
                ? "No storage backends: feature:install vstack-storage-san (or -nfs, -vsan, -cloud)"
                : only.rank() < BackendType.shipped().size()
                        ? "No " + only.id() + " backend: feature:install vstack-storage-" + only.id()
                        : "No " + only.id() + " backend is registered");
        table.column("Backend");
        table.column("Type");
        table.column("Capacity").alignRight();
        table.column("Used").alignRight();
        table.column("Health");
        table.column("Detail");
        for (BackendStatus s : rows) {
            table.addRow().addContent(s.name(), s.type().id(), ByteSize.ofBytes(s.capacity()).toHumanString(),
                    ByteSize.ofBytes(s.used()).toHumanString(), s.health(), s.detail());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
