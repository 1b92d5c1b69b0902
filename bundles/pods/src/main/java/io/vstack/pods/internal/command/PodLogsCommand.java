package io.vstack.pods.internal.command;

import io.vstack.api.UserText;
import io.vstack.api.pod.PodService;
import io.vstack.api.pod.PodStatus;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code pod:logs}: what a container wrote. */
@Service
@Command(scope = "pod", name = "logs", description = "Prints what a container of a pod wrote (stdout and stderr)")
public class PodLogsCommand implements Action {

    @Reference
    PodService pods;

    @Argument(index = 0, name = "pod", required = true, description = "The pod: name or namespace/name")
    @Completion(PodCompleter.class)
    String pod;

    @Argument(index = 1, name = "container", description = "The container; the pod's only one if omitted")
    String container;

    @Option(name = "--bytes", description = "Print at most the last this many bytes (default 65536)")
    int bytes = 65536;

    @Override
    public Object execute() throws Exception {
        if (bytes < 1) {
            throw new IllegalArgumentException("--bytes " + bytes + " must be positive");
        }
        PodRef ref = PodRef.parse(pod);
        String name = container;
        if (name == null) {
            PodStatus p = pods.pod(ref.namespace(), ref.name())
                    .orElseThrow(() -> new IllegalArgumentException("no pod " + UserText.quote(pod)));
            if (p.spec().containers().size() != 1) {
                throw new IllegalArgumentException("pod " + p.key() + " has " + p.spec().containers().size()
                        + " containers: name one");
            }
            name = p.spec().containers().get(0).name();
        }
        System.out.print(pods.logs(ref.namespace(), ref.name(), name, bytes));
        return null;
    }
}
