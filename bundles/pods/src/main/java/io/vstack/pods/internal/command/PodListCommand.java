package io.vstack.pods.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.pod.ContainerState;
import io.vstack.api.pod.PodService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code pod:list}: one row per pod. */
@Service
@Command(scope = "pod", name = "list", description = "Lists the pods")
public class PodListCommand implements Action {

    @Reference
    PodService pods;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable().emptyTableText("No pods: pod:apply adds one");
        table.column("Pod");
        table.column("Phase");
        table.column("Ready").alignRight();
        table.column("CPU").alignRight();
        table.column("Memory").alignRight();
        table.column("Host");
        table.column("Pod VM");
        table.column("Reason");
        pods.pods().forEach(p -> table.addRow().addContent(p.key(), p.phase().name(),
                p.containers().stream().filter(c -> c.state() == ContainerState.RUNNING).count() + "/"
                        + p.spec().containers().size(),
                p.spec().cpuMillis() + "m", ByteSize.ofBytes(p.spec().memoryBytes()).toHumanString(),
                p.host(), p.vm(), p.reason()));
        table.print(System.out, !noFormat);
        return null;
    }
}
