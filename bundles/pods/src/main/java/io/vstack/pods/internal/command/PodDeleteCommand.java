package io.vstack.pods.internal.command;

import io.vstack.api.pod.PodService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code pod:delete}. */
@Service
@Command(scope = "pod", name = "delete", description = "Deletes a pod: its containers stop, its pod VM and files go")
public class PodDeleteCommand implements Action {

    @Reference
    PodService pods;

    @Argument(index = 0, name = "pod", required = true, description = "The pod: name or namespace/name")
    @Completion(PodCompleter.class)
    String pod;

    @Override
    public Object execute() throws Exception {
        PodRef ref = PodRef.parse(pod);
        pods.delete(ref.namespace(), ref.name());
        System.out.println("pod " + ref.namespace() + "/" + ref.name() + " deleted");
        return null;
    }
}
