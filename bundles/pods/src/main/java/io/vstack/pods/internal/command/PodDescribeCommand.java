package io.vstack.pods.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.UserText;
import io.vstack.api.pod.ContainerSpec;
import io.vstack.api.pod.ContainerStatus;
import io.vstack.api.pod.PodService;
import io.vstack.api.pod.PodStatus;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code pod:describe}: a pod, its placement and its containers. */
@Service
@Command(scope = "pod", name = "describe", description = "Shows a pod: phase, reason, host, pod VM and containers")
public class PodDescribeCommand implements Action {

    @Reference
    PodService pods;

    @Argument(index = 0, name = "pod", required = true, description = "The pod: name or namespace/name")
    @Completion(PodCompleter.class)
    String pod;

    @Override
    public Object execute() {
        PodRef ref = PodRef.parse(pod);
        PodStatus p = pods.pod(ref.namespace(), ref.name())
                .orElseThrow(() -> new IllegalArgumentException("no pod " + UserText.quote(pod)));
        System.out.println("Pod:     " + p.key());
        System.out.println("Phase:   " + p.phase());
        System.out.println("Reason:  " + (p.reason().isEmpty() ? "-" : p.reason()));
        System.out.println("Host:    " + (p.host().isEmpty() ? "-" : p.host()));
        System.out.println("Pod VM:  " + (p.vm().isEmpty() ? "-" : p.vm()));
        System.out.println("Requests: " + p.spec().cpuMillis() + "m CPU, "
                + ByteSize.ofBytes(p.spec().memoryBytes()).toHumanString());
        System.out.println("Containers:");
        for (ContainerSpec c : p.spec().containers()) {
            ContainerStatus s = p.containers().stream().filter(x -> x.name().equals(c.name())).findFirst().orElse(null);
            System.out.println("  " + c.name() + ": " + c.image() + " " + String.join(" ", c.command()) + "; "
                    + c.cpuMillis() + "m CPU, " + ByteSize.ofBytes(c.memoryBytes()).toHumanString() + "; "
                    + (s == null ? "WAITING" : s.state() + (s.exitCode() >= 0 ? " (exit " + s.exitCode() + ")" : "")
                    + ", restarts " + s.restarts()));
        }
        return null;
    }
}
